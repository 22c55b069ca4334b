// metadata.test.mjs -- every public package names the repository the root package.json names
// (one place to change it), with its own folder, homepage and issue tracker
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicPackages, REPO_ROOT, readManifest } from '../lib/workspace.mjs';

const root = readManifest(REPO_ROOT);
const packages = publicPackages();
/** https://github.com/<owner>/<name>, from the root's `git+https://github.com/<owner>/<name>.git`. */
const repositoryPage = /^git\+(https:\/\/github\.com\/[\w.-]+\/[\w.-]+)\.git$/.exec(
  root.repository?.url ?? '',
)?.[1];

describe('package metadata', () => {
  it('root-namesTheGitHubRepository', () => {
    expect(root.repository?.type).toBe('git');
    expect(repositoryPage, `root repository.url ${root.repository?.url}`).toBeDefined();
    expect(root.homepage).toBe(`${repositoryPage}#readme`);
    expect(root.bugs).toEqual({ url: `${repositoryPage}/issues` });
  });

  it('publicPackages-findsEveryPublishedPackage', () => {
    // a new public package joins every check here; add it to this package's devDependencies
    // too, so that turbo builds it before these tests pack it
    const devDependencies = Object.keys(
      readManifest(join(REPO_ROOT, 'tools/release')).devDependencies,
    );
    expect(packages.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        '@pmem2/cli',
        '@pmem2/config',
        '@pmem2/errors',
        '@pmem2/map',
        '@pmem2/native',
        '@pmem2/source',
      ]),
    );
    expect(devDependencies).toEqual(expect.arrayContaining(packages.map((p) => p.name)));
  });

  it.each(packages.map((p) => [p.name, p]))('%s-repositoryHomepageBugsFromTheRoot', (_, pkg) => {
    const { manifest, dir } = pkg;
    expect(manifest.repository).toEqual({ ...root.repository, directory: dir });
    expect(manifest.homepage).toBe(`${repositoryPage}/tree/main/${dir}#readme`);
    expect(manifest.bugs).toEqual(root.bugs);
    expect(manifest.license).toBe(root.license);
    expect(manifest.engines).toEqual(root.engines);
    expect(manifest.publishConfig).toEqual({ access: 'public' });
    expect(manifest.type).toBe('module');
  });

  it('releaseWorkflow-publishesWithProvenance', () => {
    // npm refuses --provenance for a package without repository.url (checked above)
    const workflow = readFileSync(join(REPO_ROOT, '.github/workflows/release.yml'), 'utf8');
    expect(workflow).toMatch(
      /publish: pnpm -r publish --access public --provenance --no-git-checks/,
    );
  });
});
