import { ApiError } from '../../src/providers/types.js';

/** The ApiError `promise` rejects with; any other outcome (success, another error) fails the test. */
export async function apiFailureOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected the call to fail with an ApiError');
}
