/** Taking the URI out of a name-addr without a full parse, on the hot path. */
/** The URI inside a Contact/name-addr value (`"A" <sip:a@h>;x` → `sip:a@h`). */
export function uriOf(nameAddr: string): string {
  const lt = nameAddr.indexOf('<');
  if (lt >= 0) {
    const gt = nameAddr.indexOf('>', lt);
    return nameAddr.slice(lt + 1, gt < 0 ? undefined : gt);
  }
  const semi = nameAddr.indexOf(';');
  return (semi < 0 ? nameAddr : nameAddr.slice(0, semi)).trim();
}
