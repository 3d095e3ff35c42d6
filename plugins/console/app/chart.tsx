// A chart of one series per day (uPlot: small, canvas, no network). The figures are also in a table for
// screen readers and keyboard users; the canvas itself is decorative to them.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export function DayChart({ title, days, values, format }: { title: string; days: string[]; values: number[]; format: (v: number) => string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return;
    const xs = days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
    const plot = new uPlot({
      width: Math.max(320, box.current.clientWidth),
      height: 180,
      legend: { show: false },
      scales: { x: { time: true } },
      axes: [{}, { values: (_u, ticks) => ticks.map(format), size: 70 }],
      series: [{}, { label: title, stroke: '#2457d6', fill: 'rgba(36,87,214,.12)', width: 2, points: { show: days.length < 40 } }],
    }, [xs, values], box.current);
    return () => plot.destroy();
  }, [days.join(), values.join(), title]);
  return <figure class="chart"><figcaption>{title}</figcaption><div ref={box} aria-hidden="true" /></figure>;
}
