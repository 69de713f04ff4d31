import { createHmac } from 'node:crypto';
import bcrypt from 'bcryptjs';

/**
 * The server's stored form of a password: bcrypt over base64(HMAC-SHA256(password)) with the
 * public key of @parley/core's `prehashPassword`. The bench may not import @parley/core, so this
 * mirrors it; if the two ever differ, the bench's logins fail loudly (they are counted as errors).
 */
export const storedPasswordHash = (password: string, cost: number): string =>
  bcrypt.hashSync(
    createHmac('sha256', 'parley/password/v1')
      .update(password.normalize('NFC'), 'utf8')
      .digest('base64'),
    cost,
  );
