// An order's payments, and capturing an authorization by hand (the channel's policy captures on its own;
// staff capture earlier, for example before a long backorder ships).
import { useMutation } from '@urql/preact';
import { graphql } from './gql';
import { problem } from './api';
import { formatMoney } from './money';

const CAPTURE = graphql(`mutation ConsoleCapture($id: ID!, $key: String) { capturePayment(id: $id, idempotencyKey: $key) { id status amountCaptured } }`);

interface Payment { id: string; method: string; status: string; amount: number; amountCaptured: number; amountRefunded: number; currencyCode: string }

export function Payments({ payments, staff }: { payments: Payment[]; staff: boolean }) {
  const [captured, capture] = useMutation(CAPTURE);
  const error = problem(captured.error);
  return (
    <section aria-labelledby="payments-h">
      <h2 id="payments-h">Payments</h2>
      {error && <p role="alert" class="error">{error}</p>}
      <ul>{payments.map((p) => (
        <li>
          {p.method}: {p.status}, {formatMoney(p.amount, p.currencyCode)} (captured {formatMoney(p.amountCaptured, p.currencyCode)}, refunded {formatMoney(p.amountRefunded, p.currencyCode)})
          {staff && p.status === 'AUTHORIZED' && <> <button type="button" onClick={() => capture({ id: p.id, key: `console-capture-${p.id}` })}>Capture</button></>}
        </li>
      ))}</ul>
    </section>
  );
}
