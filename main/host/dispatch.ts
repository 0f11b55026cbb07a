/**
 * One entry point for every transport: a method name and positional arguments from the wire
 * become a call on the WorkbenchApi, only for names in WORKBENCH_METHODS (never `onEvent`, never
 * anything inherited from Object).
 */
import type { WorkbenchApi } from '../../shared/api/workbench-api.ts';
import { isWorkbenchMethod } from '../../shared/api/wire.ts';
import { RelaxCertError } from '../../shared/errors.ts';

export async function dispatchCall(
  api: WorkbenchApi,
  method: unknown,
  params: unknown,
): Promise<unknown> {
  if (!isWorkbenchMethod(method)) {
    throw new RelaxCertError('INVALID_INPUT', `'${String(method)}' is not a workbench method`, {
      field: 'method',
    });
  }
  if (!Array.isArray(params)) {
    throw new RelaxCertError('INVALID_INPUT', `arguments of ${method} must be a list`, {
      field: 'params',
    });
  }
  const fn = api[method] as (...args: unknown[]) => Promise<unknown>;
  return fn.apply(api, params);
}
