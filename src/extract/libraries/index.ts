/** Every supported client library; each adapter lives in its own file beside this one. */
import type { LibraryAdapter } from '../types.js';
import { drizzle } from './drizzle.js';
import { knex } from './knex.js';
import { mysql } from './mysql.js';
import { mysql2 } from './mysql2.js';
import { kysely } from './kysely.js';
import { pg } from './pg.js';
import { postgres } from './postgres.js';
import { pgPromise } from './pg-promise.js';
import { prisma } from './prisma.js';
import { sequelize } from './sequelize.js';
import { slonik } from './slonik.js';
import { typeorm } from './typeorm.js';

export const ADAPTERS: readonly LibraryAdapter[] = [
  knex,
  drizzle,
  prisma,
  slonik,
  pgPromise,
  kysely,
  postgres,
  mysql2,
  mysql,
  typeorm,
  sequelize,
  pg,
];
