/** Every supported client library; each adapter lives in its own file beside this one. */
import type { LibraryAdapter } from '../types.js';
import { drizzle } from './drizzle.js';
import { knex } from './knex.js';
import { pg } from './pg.js';
import { prisma } from './prisma.js';
import { postgres } from './postgres.js';

export const ADAPTERS: readonly LibraryAdapter[] = [knex, drizzle, prisma, postgres, pg];
