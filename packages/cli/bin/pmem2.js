#!/usr/bin/env node
// pmem2.js -- the pmem2 executable: a file that exists before the build (so a fresh install can
// link it), running the compiled dist/bin.js
import '../dist/bin.js';
