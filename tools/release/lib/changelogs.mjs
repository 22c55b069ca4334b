// changelogs.mjs -- checks what `changeset version` made: a new version and a CHANGELOG.md entry
// for every public package
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The version and entries of the newest `## <version>` section of a CHANGELOG.md text. */
export function newestChangelogSection(text) {
  const match = /^## (\S+)\s*\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(text);
  if (!match) return undefined;
  const entries = match[2].split('\n').filter((line) => /^- \S/.test(line));
  return { version: match[1], entries };
}

/** The changesets waiting in `root`'s .changeset/ folder (file names). */
export function pendingChangesets(root) {
  const dir = join(root, '.changeset');
  return existsSync(dir)
    ? readdirSync(dir).filter((f) => f.endsWith('.md') && f.toLowerCase() !== 'readme.md')
    : [];
}

/**
 * What is wrong after the version step in `root`: for each of `packages` (`{ name, dir,
 * manifest }` as they were before it), a package whose version did not change (unless
 * `requireBump` is false: nothing was pending, as after a release), that has no
 * CHANGELOG.md, or whose newest CHANGELOG section is not its version or lists nothing.
 * Returns the problems (empty: all good) and the versions by name.
 */
export function checkVersionStep(root, packages, { requireBump = true } = {}) {
  const problems = [];
  const versions = {};
  for (const { name, dir, manifest } of packages) {
    const after = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')).version;
    versions[name] = after;
    if (requireBump && after === manifest.version) problems.push(`${name}: version still ${after}`);
    const changelog = join(root, dir, 'CHANGELOG.md');
    if (!existsSync(changelog)) {
      problems.push(`${name}: no ${dir}/CHANGELOG.md`);
      continue;
    }
    const section = newestChangelogSection(readFileSync(changelog, 'utf8'));
    if (section?.version !== after) {
      problems.push(
        `${name}: the newest CHANGELOG.md section is ${section ? `## ${section.version}` : 'missing'}, not ## ${after}`,
      );
    } else if (section.entries.length === 0) {
      problems.push(`${name}: CHANGELOG.md ## ${after} lists no change`);
    }
  }
  return { problems, versions };
}
