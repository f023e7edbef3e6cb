/**
 * What the control API needs from the call shell (src/b2bua/call implements it). Owned
 * here, by its consumer (architecture §2), so the shell adapts to the API and not the
 * other way round.
 */

/** The code CallControl rejects with (a LinegateError) when a call is not running here. */
export const CALL_NOT_ACTIVE = 'CALL_NOT_ACTIVE';

export interface ClickToCallOptions {
  /** Logged on the call (an opportunity.tagged event) so the CRM links it. */
  readonly opportunityId?: string;
}

export interface CallControl {
  /**
   * Third-party call control (RFC 3725 §4.1 flow I): rings the user's devices showing the
   * destination, and when one answers calls the destination from the business number and
   * connects the two. Resolves once the call exists (its callId), not when it is answered.
   */
  clickToCall(userId: string, destination: string, opts?: ClickToCallOptions): Promise<{ callId: string }>;
  /**
   * Adds a note to a call in progress: the shell appends note.added with the call's next
   * seq. Rejects with LinegateError(CALL_NOT_ACTIVE) when the call is not in progress in
   * this process; the API then records the note as a finished call's (CallAnnotations).
   */
  addNote(callId: string, userId: string, text: string): Promise<void>;
  /** As addNote, for opportunity.tagged. */
  tagOpportunity(callId: string, userId: string, opportunityId: string): Promise<void>;
}
