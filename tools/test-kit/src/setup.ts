// setup.ts -- vitest setupFiles entry: after each test file, its temp directories are removed

import { afterAll } from 'vitest';
import { removeTempDirs } from './temp.js';

afterAll(removeTempDirs);
