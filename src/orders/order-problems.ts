// What is wrong with an order request, said once for placeOrder and quoteOrder: placeOrder stops at the
// first problem and answers it as an error; quoteOrder collects them all and answers them as data, so
// that a checkout can show every one at once.
import { OrdoError, type ErrorCode } from '../kernel/errors.js';

export interface OrderProblem {
  /** Where in PlaceOrderInput, for example `lines[1].quantity` or `shippingMethodCode`. */
  path: string;
  code: ErrorCode;
  message: string;
}

export class ProblemSink {
  readonly problems: OrderProblem[] = [];

  private constructor(private readonly strict: boolean) {}

  /** placeOrder: the first problem is thrown (its path is the error's field, under the `input` argument). */
  static strict(): ProblemSink {
    return new ProblemSink(true);
  }

  /** quoteOrder: problems are kept and answered as data. */
  static collecting(): ProblemSink {
    return new ProblemSink(false);
  }

  add(path: string, code: ErrorCode, message: string, details?: Record<string, unknown>): void {
    if (this.strict) throw new OrdoError(code, message, { field: `input.${path}`, ...details });
    // One problem a field: the schema's check and the engine's may both refuse a quantity of 0.
    if (!this.problems.some((p) => p.path === path)) this.problems.push({ path, code, message });
  }

  /** An OrdoError a collaborator threw (a provider's or a pricing step's refusal) becomes a problem at `path`. */
  addError(path: string, e: unknown): void {
    if (this.strict || !(e instanceof OrdoError)) throw e;
    if (!this.problems.some((p) => p.path === path)) this.problems.push({ path, code: e.code, message: e.message });
  }
}

export const notEnoughStockMessage = (sku: string, available: number, asked: number) =>
  `Only ${available} of ${sku} can be sold now; ${asked} were asked for.`;
