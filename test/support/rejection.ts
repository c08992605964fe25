import assert from 'node:assert/strict';
import OpenAI from 'openai';

/** An SDK's error class: `OpenAI.APIError`, or `Anthropic.APIError` for the Anthropic SDK. */
type ErrorClass<T> = abstract new (...args: any[]) => T;

/**
 * Awaits a request that must be refused and returns the SDK's error, failing the test when it
 * succeeds or throws anything else. OpenAI's `APIError` unless another SDK's class is given.
 */
export async function rejection(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>>;
export async function rejection<T>(promise: Promise<unknown>, errorClass: ErrorClass<T>): Promise<T>;
export async function rejection(promise: Promise<unknown>, errorClass: ErrorClass<unknown> = OpenAI.APIError): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof errorClass, `expected an ${errorClass.name}, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to be rejected');
}
