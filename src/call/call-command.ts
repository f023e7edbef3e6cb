/**
 * What the CallMachine asks the shell to do. The shell executes them in order.
 */
import type { CallEvent } from './call-event.js';
import type { EmergencyAddress } from './line-user.js';
import type { CallerId, LegBody, LegTarget, SipHeaderField } from './route.js';

/** Send an INVITE for a new leg. */
export interface StartLegCommand {
  type: 'StartLeg';
  legId: string;
  target: LegTarget;
  callerId: CallerId;
  headers: readonly SipHeaderField[];
  body?: LegBody;
}

/** CANCEL an unanswered leg (RFC 3261 §9.1: the engine holds it until a provisional arrives). */
export interface CancelLegCommand {
  type: 'CancelLeg';
  legId: string;
  /** RFC 3326 Reason header value, when there is one to give. */
  reason?: string;
}

/** BYE an answered leg (after ACKing its 2xx, if not done yet): a 200 that lost a race, or hang-up. */
export interface ByeLegCommand {
  type: 'ByeLeg';
  legId: string;
}

/** BYE the caller (the callee hung up, or the system ended the call). */
export interface ByeCallerCommand {
  type: 'ByeCaller';
}

/** Answer the caller with this leg's session and connect the two (the only 200 the caller gets). */
export interface BridgeLegsCommand {
  type: 'BridgeLegs';
  legId: string;
}

/** A response to the caller's INVITE: 180 once, or the final failure. */
export interface RespondCommand {
  type: 'Respond';
  status: number;
  reason: string;
  headers: readonly SipHeaderField[];
}

/** Play the "press 1 to accept" prompt on an answered leg and report digits as DtmfReceived. */
export interface PromptConfirmCommand {
  type: 'PromptConfirm';
  legId: string;
}

export interface StartTimerCommand {
  type: 'StartTimer';
  timerId: string;
  ms: number;
}

export interface CancelTimerCommand {
  type: 'CancelTimer';
  timerId: string;
}

export interface EmitEventCommand {
  type: 'EmitEvent';
  event: CallEvent;
}

export type Notice =
  | {
      kind: 'emergency-call';
      callId: string;
      userId: string;
      number: string;
      callbackNumber: string;
      trunk: string;
      address: EmergencyAddress | null;
      at: number;
    }
  | { kind: 'emergency-address-missing'; callId: string; userId: string; dialled: string; at: number };

/** Raise a notification outside the call (emergency notification targets, operators). */
export interface NotifyCommand {
  type: 'Notify';
  notice: Notice;
}

export type CallCommand =
  | StartLegCommand
  | CancelLegCommand
  | ByeLegCommand
  | ByeCallerCommand
  | BridgeLegsCommand
  | RespondCommand
  | PromptConfirmCommand
  | StartTimerCommand
  | CancelTimerCommand
  | EmitEventCommand
  | NotifyCommand;
