/**
 * A caller that sends an INVITE and its CANCEL in the same tick, from a raw UDP socket,
 * for the race test "CANCEL in the same wire read as the INVITE". sipp cannot do this
 * reliably: between two <send>s it reads its socket, and an early 100 Trying then aborts
 * the scenario as unexpected. Both datagrams reach the engine together, so it passes
 * both to the app in one write. RFC 3261 §9.1 asks a client to wait for a provisional
 * response before CANCEL; a server must still match the CANCEL to the INVITE's
 * transaction (§9.2), which exists once the INVITE has been read.
 */
import { createSocket } from 'node:dgram';

export interface RawCallResult {
  /** Status codes received, in order (retransmissions included). */
  statuses: number[];
}

/** INVITE + CANCEL at once; resolves after the 487 (ACKed on the INVITE's branch, §17.1.1.3). */
export async function inviteThenCancelAtOnce(target: string, to: string, from: string, timeoutMs = 5000): Promise<RawCallResult> {
  const [host = '127.0.0.1', portText = '5060'] = target.split(':');
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const local = `127.0.0.1:${socket.address().port}`;
  const callId = `raw-${socket.address().port}-${Date.now()}@127.0.0.1`;
  const branch = `z9hG4bK-raw-${socket.address().port}`;
  const ruri = `sip:${to}@${target}`;
  const common = (method: string, toHeader: string): string[] => [
    `${method} ${ruri} SIP/2.0`, `Via: SIP/2.0/UDP ${local};branch=${branch};rport`, 'Max-Forwards: 70',
    `From: <sip:${from}@${local}>;tag=raw-caller`, `To: ${toHeader}`, `Call-ID: ${callId}`, `CSeq: 1 ${method}`,
  ];
  const sdp = ['v=0', 'o=raw 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 6000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');
  const invite = [...common('INVITE', `<${ruri}>`), `Contact: <sip:${from}@${local}>`, 'Content-Type: application/sdp', `Content-Length: ${Buffer.byteLength(sdp)}`, '', sdp].join('\r\n');
  const cancel = [...common('CANCEL', `<${ruri}>`), 'Content-Length: 0', '', ''].join('\r\n');
  const statuses: number[] = [];
  try {
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no 487 within ${timeoutMs} ms; got ${statuses.join(', ')}`)), timeoutMs);
      socket.on('message', (buf) => {
        const text = buf.toString('utf8');
        const status = Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1]);
        if (!status) return;
        statuses.push(status);
        if (status !== 487) return;
        const toHeader = /^To:\s*(.*)$/im.exec(text)?.[1] ?? `<${ruri}>`;
        const ack = [...common('ACK', toHeader.trim()), 'Content-Length: 0', '', ''].join('\r\n');
        socket.send(ack, Number(portText), host, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    });
    socket.send(invite, Number(portText), host);
    socket.send(cancel, Number(portText), host);
    await done;
    return { statuses };
  } finally {
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}
