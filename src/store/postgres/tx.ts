// Transactions on the pool, and pg errors turned into StoreErrors.
import type pg from "pg";
import { AppError, StoreError } from "../../errors.js";

/** Deadlock and serialization failures: the whole transaction can simply run again. */
const RETRYABLE = new Set(["40P01", "40001"]);
const ATTEMPTS = 3;

export function asStoreError(op: string, err: unknown): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: string }).code;
  return new StoreError(`postgres ${op} failed: ${(err as Error).message}${code ? ` (${code})` : ""}`, {
    cause: err,
  });
}

export async function withTransaction<T>(
  pool: pg.Pool,
  op: string,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let client: pg.PoolClient | undefined;
    try {
      client = await pool.connect();
      await client.query("BEGIN");
      const result = await fn(client);
      await client.query("COMMIT");
      client.release();
      return result;
    } catch (err) {
      if (client) {
        // A failed ROLLBACK means the connection is broken: destroy it rather than return it to the pool.
        const broken = await client.query("ROLLBACK").then(
          () => undefined,
          (e: unknown) => e as Error,
        );
        client.release(broken);
      }
      const code = (err as { code?: string }).code;
      if (code && RETRYABLE.has(code) && attempt < ATTEMPTS) continue;
      throw asStoreError(op, err);
    }
  }
}
