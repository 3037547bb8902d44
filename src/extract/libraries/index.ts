/** Every supported client library; each adapter lives in its own file beside this one. */
import type { LibraryAdapter } from '../types.js';
import { pg } from './pg.js';

export const ADAPTERS: readonly LibraryAdapter[] = [pg];
