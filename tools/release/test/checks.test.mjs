// checks.test.mjs -- the registry e2e's judges reject what they must, and its Verdaccio listens
// on 127.0.0.1 only and is gone after stop()
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkVersionStep, newestChangelogSection, pendingChangesets } from '../lib/changelogs.mjs';
import {
  infoOutputProblem,
  installedManifestProblems,
  installScriptProblem,
} from '../lib/consumer-checks.mjs';
import { createUser, packument, startVerdaccio, verdaccioConfig } from '../lib/verdaccio.mjs';

const work = mkdtempSync(join(tmpdir(), 'pmem2-release-checks-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Writes `files` ({ relative path: text }) under a fresh folder of `work` and returns it. */
function tree(name, files) {
  const root = join(work, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const CHANGELOG = `# @pmem2/x

## 0.2.0

### Minor Changes

- New thing.

## 0.1.0

- Old thing.
`;

describe('the version step check', () => {
  it('newestChangelogSection-readsTheFirstSectionOnly', () => {
    expect(newestChangelogSection(CHANGELOG)).toEqual({
      version: '0.2.0',
      entries: ['- New thing.'],
    });
    expect(newestChangelogSection('# @pmem2/x\n')).toBeUndefined();
  });

  it('checkVersionStep-acceptsABumpWithItsChangelog', () => {
    const root = tree('good', {
      'packages/x/package.json': '{"version":"0.2.0"}',
      'packages/x/CHANGELOG.md': CHANGELOG,
    });
    const before = [{ name: '@pmem2/x', dir: 'packages/x', manifest: { version: '0.1.0' } }];
    expect(checkVersionStep(root, before)).toEqual({
      problems: [],
      versions: { '@pmem2/x': '0.2.0' },
    });
  });

  it('checkVersionStep-nothingPending-currentVersionNeedsItsChangelogOnly', () => {
    const root = tree('released', {
      'packages/x/package.json': '{"version":"0.2.0"}',
      'packages/x/CHANGELOG.md': CHANGELOG,
    });
    const now = [{ name: '@pmem2/x', dir: 'packages/x', manifest: { version: '0.2.0' } }];
    expect(checkVersionStep(root, now, { requireBump: false }).problems).toEqual([]);
    expect(checkVersionStep(root, now).problems).toEqual(['@pmem2/x: version still 0.2.0']);
  });

  it('pendingChangesets-mdFilesButTheReadme', () => {
    const root = tree('pending', {
      '.changeset/config.json': '{}',
      '.changeset/README.md': '',
      '.changeset/a-change.md': '---\n---\n',
    });
    expect(pendingChangesets(root)).toEqual(['a-change.md']);
  });

  it('checkVersionStep-rejectsNoBumpNoChangelogStaleOrEmptySection', () => {
    const root = tree('bad', {
      'packages/same/package.json': '{"version":"0.1.0"}',
      'packages/same/CHANGELOG.md': CHANGELOG,
      'packages/none/package.json': '{"version":"0.2.0"}',
      'packages/stale/package.json': '{"version":"0.3.0"}',
      'packages/stale/CHANGELOG.md': CHANGELOG,
      'packages/empty/package.json': '{"version":"0.2.0"}',
      'packages/empty/CHANGELOG.md': '# @pmem2/empty\n\n## 0.2.0\n\n### Patch Changes\n',
    });
    const before = ['same', 'none', 'stale', 'empty'].map((n) => ({
      name: `@pmem2/${n}`,
      dir: `packages/${n}`,
      manifest: { version: '0.1.0' },
    }));
    const { problems } = checkVersionStep(root, before);
    expect(problems).toEqual([
      '@pmem2/same: version still 0.1.0',
      '@pmem2/same: the newest CHANGELOG.md section is ## 0.2.0, not ## 0.1.0',
      '@pmem2/none: no packages/none/CHANGELOG.md',
      '@pmem2/stale: the newest CHANGELOG.md section is ## 0.2.0, not ## 0.3.0',
      '@pmem2/empty: CHANGELOG.md ## 0.2.0 lists no change',
    ]);
  });
});

describe('the consumer checks', () => {
  it('installScriptProblem-wantsNodeGypBuild', () => {
    const line = (script) =>
      `npm warn install-scripts 1 package has install scripts not yet covered by allowScripts:\nnpm warn install-scripts   @pmem2/native@0.2.0 (install: ${script})\n`;
    expect(installScriptProblem(line('node-gyp-build'), '0.2.0')).toBeUndefined();
    expect(installScriptProblem(line('node-gyp rebuild'), '0.2.0')).toMatch(
      /another install script/,
    );
    expect(installScriptProblem('added 7 packages', '0.2.0')).toMatch(/did not list/);
  });

  it('installedManifestProblems-versionRepositoryWorkspace', () => {
    const root = tree('consumer', {
      'node_modules/@pmem2/a/package.json': JSON.stringify({
        version: '0.2.0',
        repository: { url: 'git+https://github.com/o/r.git' },
        dependencies: { '@pmem2/b': '0.2.0' },
      }),
      'node_modules/@pmem2/b/package.json': JSON.stringify({
        version: '0.1.0',
        devDependencies: { '@pmem2/kit': 'workspace:*' },
      }),
    });
    expect(
      installedManifestProblems(root, {
        '@pmem2/a': '0.2.0',
        '@pmem2/b': '0.2.0',
        '@pmem2/c': '1.0.0',
      }),
    ).toEqual([
      '@pmem2/b 0.1.0 installed, 0.2.0 published',
      '@pmem2/b has no repository.url',
      '@pmem2/b devDependencies @pmem2/kit: workspace:*',
      '@pmem2/c is not installed',
    ]);
  });

  it('infoOutputProblem-needsThePathAndTheFacts', () => {
    const good = [
      '/tmp/f',
      '  type          regular file',
      '  size          65536 bytes',
      '  alignment     4096 bytes (offsets and lengths must be multiples)',
      '  granularity   PAGE',
      '  flush         clwb (x64: clwb)',
    ].join('\n');
    expect(infoOutputProblem(good, '/tmp/f', 65536)).toBeUndefined();
    expect(infoOutputProblem(good, '/tmp/g', 65536)).toMatch(/not the path/);
    expect(infoOutputProblem(good, '/tmp/f', 4096)).toMatch(/size/);
    expect(infoOutputProblem(good.replace('PAGE', 'unknown: empty'), '/tmp/f', 65536)).toMatch(
      /granularity/,
    );
  });
});

describe('the local registry', () => {
  it('verdaccioConfig-loopbackOnlyNoUplink', () => {
    const config = verdaccioConfig('/x', 4873);
    expect(config).toMatch(/^listen: 127\.0\.0\.1:4873$/m);
    expect(config).toMatch(/^uplinks: \{\}$/m);
    expect(config).not.toMatch(/proxy:/);
  });

  it('startVerdaccio-servesPublishesNothingAndStops', async () => {
    const registry = await startVerdaccio(join(work, 'verdaccio'));
    try {
      expect(registry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(await createUser(registry.url, 'checks', 'checks-password')).toMatch(/\S{16}/);
      // no uplink: a package that was never published here is unknown
      expect(await packument(registry.url, '@pmem2/errors')).toBeUndefined();
    } finally {
      await registry.stop();
    }
    expect(() => process.kill(registry.pid, 0)).toThrow(/ESRCH/);
  });
});
