/** Driving an engine through the contract, in this process or another, the way front ends do. */
import type { Command, Input, Output, Result } from '@shared/contract';

export type Dispatch = (command: string, input: unknown) => Promise<Result<unknown>>;

/** Runs a command and returns its value; a typed error fails the test with the error's own words. */
export async function call<C extends Command>(dispatch: Dispatch, command: C, input: Input<C>): Promise<Output<C>> {
  const result = await dispatch(command, input);
  if (!result.ok) throw new Error(`${command} failed: ${result.error.code} ${result.error.message}`);
  return result.value as Output<C>;
}

/** Runs a command that must fail, and returns its typed error. */
export async function refusal(dispatch: Dispatch, command: Command, input: unknown): Promise<{ code: string; message: string }> {
  const result = await dispatch(command, input);
  if (result.ok) throw new Error(`${command} was expected to fail, and returned ${JSON.stringify(result.value)}`);
  return result.error;
}
