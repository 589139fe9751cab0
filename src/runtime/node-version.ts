/**
 * Why this Node cannot run the subgraph, or null when it can. `range` is package.json's
 * `engines.node`, a list of caret ranges joined by `||` ("^22.19.0 || ^24.0.0"): a version
 * matches `^X.Y.Z` when its major is X and it is at least X.Y.Z.
 */
export function nodeVersionProblem(version: string, range: string): string | null {
  const parse = (text: string) => text.replace(/^[v^]/, '').split('.').map((part) => Number.parseInt(part, 10) || 0);
  const [major = 0, minor = 0, patch = 0] = parse(version);
  const fits = range.split('||').some((alternative) => {
    const [wantMajor = 0, wantMinor = 0, wantPatch = 0] = parse(alternative.trim());
    if (major !== wantMajor) return false;
    return minor > wantMinor || (minor === wantMinor && patch >= wantPatch);
  });
  return fits ? null : `billing-subgraph needs Node ${range} (this is ${version}): see the README, "Quick start"`;
}
