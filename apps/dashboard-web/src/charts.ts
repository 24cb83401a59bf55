import { Chart, registerables, type ChartConfiguration } from 'chart.js';
import type { CellValue, DashboardData } from '@ecom/contracts/dashboard';

Chart.register(...registerables);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.color = '#334155';

export const PALETTE = ['#2563eb', '#16a34a', '#f59e0b', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#ea580c', '#475569'];

export const num = (value: CellValue | undefined): number => (value === null || value === undefined || value === '' ? 0 : Number(value));
export const text = (value: CellValue | undefined): string => (value === null || value === undefined ? '' : String(value));

const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
export const formatMoney = (value: number): string => money.format(value);
export const formatCount = (value: number): string => whole.format(value);
export const formatPct = (value: number): string => `${value.toFixed(2)} %`;

/** What a chart card draws from its endpoint's data: a Chart.js chart, or plain HTML (tables, heatmaps). */
export type Drawing = { chart: ChartConfiguration } | { html: HTMLElement };

export function bar(
  data: DashboardData,
  label: (row: DashboardData['rows'][number]) => string,
  series: Array<{ column: string; label: string; axis?: 'y' | 'y2'; type?: 'bar' | 'line' }>,
  options: { horizontal?: boolean; y2Label?: string } = {},
): Drawing {
  const horizontal = options.horizontal ?? false;
  const valueAxis = horizontal ? 'x' : 'y';
  const scales: Record<string, object> = { [valueAxis]: { beginAtZero: true } };
  if (series.some((s) => s.axis === 'y2')) {
    scales.y2 = { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: options.y2Label ?? '' } };
  }
  return {
    chart: {
      type: 'bar',
      data: {
        labels: data.rows.map(label),
        datasets: series.map((s, i) => ({
          type: s.type ?? 'bar',
          label: s.label,
          // A NULL is a value nobody knows (returns under a payment filter): a gap, not a zero.
          data: data.rows.map((row) => (row[s.column] === null ? null : num(row[s.column]))),
          backgroundColor: PALETTE[i % PALETTE.length],
          borderColor: PALETTE[i % PALETTE.length],
          yAxisID: s.axis === 'y2' ? 'y2' : horizontal ? undefined : 'y',
        })),
      },
      options: { indexAxis: horizontal ? 'y' : 'x', scales, plugins: { legend: { display: series.length > 1 } } },
    } as ChartConfiguration,
  };
}

export function doughnut(data: DashboardData, labelColumn: string, valueColumn: string): Drawing {
  return {
    chart: {
      type: 'doughnut',
      data: {
        labels: data.rows.map((row) => text(row[labelColumn])),
        datasets: [{ data: data.rows.map((row) => num(row[valueColumn])), backgroundColor: PALETTE }],
      },
      options: { plugins: { legend: { position: 'right' } } },
    },
  };
}

export function scatter(data: DashboardData, x: string, y: string, label: string): Drawing {
  return {
    chart: {
      type: 'scatter',
      data: {
        datasets: [
          {
            label: 'products',
            data: data.rows.map((row) => ({ x: num(row[x]), y: num(row[y]) })),
            backgroundColor: PALETTE[0],
          },
        ],
      },
      options: {
        scales: { x: { title: { display: true, text: x } }, y: { title: { display: true, text: y } } },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: (item) => `${text(data.rows[item.dataIndex][label])}: ${item.formattedValue}` } },
        },
      },
    },
  };
}

/** A table with the given columns; `heat` shades numeric cells of those columns by their value (0-100). */
export function table(data: DashboardData, columns: string[], heat: (column: string) => boolean = () => false): Drawing {
  const element = document.createElement('table');
  element.className = 'data-table';
  const head = element.createTHead().insertRow();
  for (const column of columns) {
    const th = document.createElement('th');
    th.textContent = column.replace(/_/g, ' ');
    head.appendChild(th);
  }
  const body = element.createTBody();
  for (const row of data.rows) {
    const tr = body.insertRow();
    for (const column of columns) {
      const td = tr.insertCell();
      const value = row[column];
      td.textContent = typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(2) : text(value);
      if (heat(column) && value !== null && value !== undefined && value !== '') {
        const share = Math.max(0, Math.min(100, num(value))) / 100;
        td.style.background = `rgba(37, 99, 235, ${(0.08 + share * 0.8).toFixed(2)})`;
        if (share > 0.5) td.style.color = '#fff';
      }
    }
  }
  return { html: element };
}

export function drawChart(canvas: HTMLCanvasElement, config: ChartConfiguration): Chart {
  return new Chart(canvas, config);
}
