/**
 * Examples more than one rule's tests use, written once: each rule checks its own verdict on them
 * (one reports, the others stay quiet), so a change in any rule shows up on the same code.
 */

export const skipLockedQueueClaim = `
import { Pool } from 'pg';
const pool = new Pool();

export async function claimNextJob(workerId: string) {
  const { rows } = await pool.query(
    \`UPDATE jobs SET worker_id = $1, status = 'running'
     WHERE id = (SELECT id FROM jobs WHERE status = 'pending' ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)
     RETURNING id\`,
    [workerId],
  );
  return rows[0] ?? null;
}
`;

export const absoluteWriteBack = `
import { Pool } from 'pg';
const pool = new Pool();

export async function withdraw(accountId: number, amount: number) {
  const { rows } = await pool.query('SELECT balance FROM account WHERE account_id = $1', [accountId]);
  if (rows[0].balance < amount) throw new Error('Insufficient funds');
  await pool.query('UPDATE account SET balance = $1 WHERE account_id = $2', [rows[0].balance - amount, accountId]);
}
`;

export const cteFix = `
import { Pool } from 'pg';
const pool = new Pool();

export async function buyTicket(userId: string, concertId: string, seat: string) {
  const { rowCount } = await pool.query(
    \`WITH reserved AS (
       UPDATE concerts
       SET available_seats = available_seats - 1
       WHERE concert_id = $2 AND available_seats > 0
       RETURNING concert_id
     )
     INSERT INTO tickets (user_id, concert_id, seat_number)
     SELECT $1, concert_id, $3 FROM reserved\`,
    [userId, concertId, seat],
  );
  return rowCount === 1;
}
`;

export const bookSlotByDoctorAndTime = `
import { Pool } from 'pg';
const pool = new Pool();

export async function book(doctorId: number, startsAt: Date, patientId: number) {
  await pool.query('DELETE FROM appointment_slots WHERE doctor_id = $1 AND starts_at = $2', [doctorId, startsAt, patientId]);
  await pool.query('INSERT INTO appointment_log (doctor_id, starts_at, patient_id) VALUES ($1, $2, $3)', [doctorId, startsAt, patientId]);
}
`;

export const seedAsOneText = `
import { Pool } from 'pg';
const pool = new Pool();

export async function buyTicket() {
  await pool.query(\`
    BEGIN TRANSACTION;
    UPDATE concerts
    SET available_seats = available_seats - 1
    WHERE concert_id = 'weeknd_tour'
    AND available_seats > 0;
    INSERT INTO tickets (user_id, concert_id, seat_number)
    VALUES ('user123', 'weeknd_tour', 'A15');
    COMMIT;
  \`);
}
`;

export const relativeUpdate = `
import { Pool } from 'pg';
const pool = new Pool();

export async function deposit(accountId: number, amount: number) {
  await pool.query('UPDATE account SET balance = balance + $1 WHERE account_id = $2', [amount, accountId]);
}
`;

export const deleteSlotByDoctorAndTime = `
import { Pool } from 'pg';
const pool = new Pool();

export async function book(doctorId: number, startsAt: Date, patientId: number) {
  await pool.query('DELETE FROM appointment_slots WHERE doctor_id = $1 AND starts_at = $2', [doctorId, startsAt, patientId]);
}
`;

export const insertOnConflict = `
import { Pool } from 'pg';
const pool = new Pool();

export async function register(email: string) {
  const { rowCount } = await pool.query('INSERT INTO users (email) VALUES ($1) ON CONFLICT (email) DO NOTHING', [email]);
  return rowCount === 1;
}
`;

export const forUpdateFix = `
import { Pool } from 'pg';
const pool = new Pool();

export async function withdraw(accountId: number, amount: number) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('SELECT balance FROM account WHERE account_id = $1 FOR UPDATE', [accountId]);
    if (rows[0].balance < amount) {
      throw new Error('Insufficient funds');
    }
    await client.query('UPDATE account SET balance = $1 WHERE account_id = $2', [rows[0].balance - amount, accountId]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
`;
