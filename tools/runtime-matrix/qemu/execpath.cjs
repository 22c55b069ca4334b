// execpath.cjs -- loaded first by every emulated Node (node-launcher.c): process.execPath becomes
// the launcher beside this file, so vitest's forks and the tests' spawnSync(process.execPath)
// start the guest Node through qemu again instead of exec'ing an arm64 binary on the host
process.execPath = require('node:path').join(__dirname, 'node');
