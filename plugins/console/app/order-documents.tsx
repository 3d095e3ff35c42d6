// An order's invoices and credit notes (each with its PDF) and its returns (each linking to the queue).
import { formatMoney, formatTime } from './money';

interface Invoice { id: string; number: string; kind: string; total: number; currencyCode: string; issuedAt: string; pdfUrl: string }
interface Return { id: string; number: string; status: string; resolution: string }

export function OrderDocuments({ invoices, returns }: { invoices: Invoice[]; returns: Return[] }) {
  return (
    <>
      <section aria-labelledby="invoices-h">
        <h2 id="invoices-h">Invoices and credit notes</h2>
        {!invoices.length && <p>None yet.</p>}
        <ul>{invoices.map((i) => (
          <li>{i.kind === 'CREDIT_NOTE' ? 'Credit note' : 'Invoice'} <a href={i.pdfUrl} target="_blank" rel="noopener">{i.number}</a>, {formatMoney(i.total, i.currencyCode)}, {formatTime(i.issuedAt)}</li>
        ))}</ul>
      </section>
      <section aria-labelledby="order-returns-h">
        <h2 id="order-returns-h">Returns</h2>
        {!returns.length && <p>None.</p>}
        <ul>{returns.map((r) => <li>{r.number}: <span class={`status s-${r.status}`}>{r.status}</span> ({r.resolution}) — <a href="#/returns">returns queue</a></li>)}</ul>
      </section>
    </>
  );
}
