// An order's lines and totals, with staff's line actions: cancel one unit of a line not yet shipped
// (cancelOrderLines: its stock goes back on sale, the order is priced again), and a goodwill refund of a
// line's money (refundPayment; the goods stay with the buyer) once money is captured.
import { useMutation } from '@urql/preact';
import { graphql } from './gql';
import { problem } from './api';
import { formatMoney } from './money';

const CANCEL_LINE = graphql(`mutation ConsoleCancelLine($id: ID!, $lines: [CancelOrderLineInput!]!, $key: String) { cancelOrderLines(orderId: $id, lines: $lines, idempotencyKey: $key, reason: "cancelled in the console") { id } }`);
const REFUND = graphql(`mutation ConsoleRefund($id: ID!, $amount: Money!, $reason: String, $key: String) { refundPayment(id: $id, amount: $amount, reason: $reason, idempotencyKey: $key) { id status amountRefunded } }`);

interface Line { id: string; sku: string; name: string; quantity: number; quantityShipped: number; quantityCancelled: number; unitPrice: number; lineTotal: number }
interface Payment { id: string; amountCaptured: number; amountRefunded: number }
interface Totals { currencyCode: string; subtotal: number; discountTotal: number; shippingTotal: number; taxTotal: number; total: number }

export function OrderLines({ orderId, lines, payments, totals, staff, open }: { orderId: string; lines: Line[]; payments: Payment[]; totals: Totals; staff: boolean; open: boolean }) {
  const [cancelled, cancelLine] = useMutation(CANCEL_LINE);
  const [refunded, refund] = useMutation(REFUND);
  const m = (v: number) => formatMoney(v, totals.currencyCode);
  const refundable = staff ? payments.find((p) => p.amountCaptured - p.amountRefunded > 0) : undefined;
  const error = problem(cancelled.error ?? refunded.error);
  // quantity is what the order still holds (cancelled units are out of it already).
  const left = (l: Line) => l.quantity - l.quantityShipped;

  function refundLine(line: Line) {
    if (!refundable) return;
    const amount = Math.min(line.lineTotal, refundable.amountCaptured - refundable.amountRefunded);
    if (confirm(`Refund ${m(amount)} for ${line.sku}?`)) void refund({ id: refundable.id, amount, reason: `${line.sku} refunded in the console`, key: `console-refund-${line.id}` });
  }

  function cancelUnit(line: Line) {
    // The key names the units cancelled so far: a double click cancels one unit, a second click later another.
    if (confirm(`Cancel one ${line.sku}?`)) void cancelLine({ id: orderId, lines: [{ orderLineId: line.id, quantity: 1 }], key: `console-cancel-${line.id}-${line.quantityCancelled}` });
  }

  const span = 6;
  return (
    <section aria-labelledby="lines-h">
      <h2 id="lines-h">Lines</h2>
      {error && <p role="alert" class="error">{error}</p>}
      <table>
        <thead><tr><th scope="col">SKU</th><th scope="col">Name</th><th scope="col" class="num">Qty</th><th scope="col" class="num">Shipped</th><th scope="col" class="num">Cancelled</th><th scope="col" class="num">Unit</th><th scope="col" class="num">Line</th>{staff && <th scope="col"><span class="sr-only">Actions</span></th>}</tr></thead>
        <tbody>{lines.map((l) => (
          <tr>
            <td>{l.sku}</td><td>{l.name}</td><td class="num">{l.quantity}</td><td class="num">{l.quantityShipped}</td><td class="num">{l.quantityCancelled}</td><td class="num">{m(l.unitPrice)}</td><td class="num">{m(l.lineTotal)}</td>
            {staff && <td class="buttons">
              {open && left(l) > 0 && <button type="button" onClick={() => cancelUnit(l)} aria-label={`Cancel one ${l.sku}`}>Cancel 1</button>}
              {refundable && <button type="button" onClick={() => refundLine(l)} aria-label={`Refund ${l.sku}`}>Refund</button>}
            </td>}
          </tr>
        ))}</tbody>
        <tfoot>
          <tr><th colSpan={span} scope="row">Subtotal</th><td class="num">{m(totals.subtotal)}</td>{staff && <td />}</tr>
          {totals.discountTotal ? <tr><th colSpan={span} scope="row">Discounts</th><td class="num">−{m(totals.discountTotal)}</td>{staff && <td />}</tr> : null}
          <tr><th colSpan={span} scope="row">Shipping</th><td class="num">{m(totals.shippingTotal)}</td>{staff && <td />}</tr>
          <tr><th colSpan={span} scope="row">Tax</th><td class="num">{m(totals.taxTotal)}</td>{staff && <td />}</tr>
          <tr><th colSpan={span} scope="row">Total</th><td class="num total">{m(totals.total)}</td>{staff && <td />}</tr>
        </tfoot>
      </table>
    </section>
  );
}
