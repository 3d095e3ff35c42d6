// Amounts are integers of the currency's ISO 4217 minor unit; they are shown in that currency's decimals.
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { currencyExponent, formatMoney } from '../../src/kernel/money.js';
import { messageOf } from '../../src/live/event-map.js';
import { pointsForAmount } from '../../plugins/loyalty/index.js';

/** Intl puts a no-break space between a currency code and the number. */
const NBSP = '\u00a0';

describe('currency exponents (ISO 4217 minor units)', () => {
  it('are 0, 2, 3 or 4 as ISO lists them', () => {
    for (const c of ['JPY', 'KRW', 'VND', 'CLP', 'ISK', 'XOF', 'UGX']) expect(currencyExponent(c), c).toBe(0);
    for (const c of ['EUR', 'USD', 'GBP', 'CHF', 'CNY', 'INR']) expect(currencyExponent(c), c).toBe(2);
    for (const c of ['KWD', 'BHD', 'JOD', 'OMR', 'TND', 'IQD', 'LYD']) expect(currencyExponent(c), c).toBe(3);
    for (const c of ['CLF', 'UYW']) expect(currencyExponent(c), c).toBe(4);
  });

  it('follow ISO where Intl (CLDR) shows fewer digits', () => {
    // Intl formats IDR, HUF and IQD without decimals; their ISO minor units are 2, 2 and 3.
    expect(new Intl.NumberFormat('en', { style: 'currency', currency: 'IQD' }).resolvedOptions().maximumFractionDigits).toBe(0);
    expect(currencyExponent('IDR')).toBe(2);
    expect(currencyExponent('HUF')).toBe(2);
    expect(currencyExponent('IQD')).toBe(3);
  });

  it('are 2 for a code ISO does not list, and ignore case', () => {
    expect(currencyExponent('XYZ')).toBe(2);
    expect(currencyExponent('jpy')).toBe(0);
  });
});

describe('formatMoney', () => {
  it('shows yen without decimals', () => {
    expect(formatMoney(1200, 'JPY')).toBe('¥1,200');
    expect(formatMoney(5, 'JPY')).toBe('¥5');
  });

  it('shows dinars with three decimals', () => {
    expect(formatMoney(1250, 'KWD')).toBe(`KWD${NBSP}1.250`);
    expect(formatMoney(2_000_000_000, 'BHD')).toBe(`BHD${NBSP}2,000,000.000`);
  });

  it('shows euros with two decimals', () => {
    expect(formatMoney(1234, 'EUR')).toBe('€12.34');
    expect(formatMoney(5, 'EUR')).toBe('€0.05');
    expect(formatMoney(199_999_999, 'EUR')).toBe('€1,999,999.99');
  });

  it('shows negative amounts with a minus sign', () => {
    expect(formatMoney(-500, 'EUR')).toBe('-€5.00');
    expect(formatMoney(-1200, 'JPY')).toBe('-¥1,200');
  });

  it('uses the locale asked for, English when it is unknown', () => {
    expect(formatMoney(123456, 'EUR', 'de-DE')).toBe(`1.234,56${NBSP}€`);
    expect(formatMoney(123456, 'EUR', 'not a locale!')).toBe('€1,234.56');
  });

  it('still shows an amount for a code Intl refuses', () => {
    expect(formatMoney(1999, 'XYZ')).toBe(`XYZ${NBSP}19.99`);
    expect(formatMoney(1999, 'E1')).toBe('19.99 E1');
  });
});

describe('money in other places', () => {
  it('live order events tell amounts in the order currency', () => {
    const refund = { id: 1, type: 'payment.refunded', aggregateId: 'ord_1', payload: { orderId: 'ord_1', amount: 1200 }, at: new Date() };
    expect(messageOf(refund, 'JPY')).toBe('Refund of ¥1,200 issued.');
    expect(messageOf({ ...refund, payload: { amount: 1250 } }, 'KWD')).toBe(`Refund of KWD${NBSP}1.250 issued.`);
  });

  it('live order events tell of refunds requested and units cancelled', () => {
    const at = new Date();
    expect(messageOf({ id: 2, type: 'payment.refund_requested', aggregateId: 'ord_1', payload: { orderId: 'ord_1', amount: 1190 }, at }, 'EUR')).toBe('Refund of €11.90 requested.');
    const cancelled = { id: 3, type: 'order.lines_cancelled', aggregateId: 'ord_1', payload: { orderId: 'ord_1', amount: 1190, lines: [{ sku: 'BO', quantity: 2 }] }, at };
    expect(messageOf(cancelled, 'EUR')).toBe('Cancelled 2 × BO; the total is €11.90 less.');
  });

  it('loyalty points count whole units of the currency', () => {
    expect(pointsForAmount(10_100, 'EUR', 1)).toBe(101); // 101.00 EUR
    expect(pointsForAmount(10_100, 'JPY', 1)).toBe(10_100); // ¥10,100
    expect(pointsForAmount(10_100, 'KWD', 1)).toBe(10); // 10.100 KWD
    expect(pointsForAmount(-5, 'EUR', 1)).toBe(0);
  });
});
