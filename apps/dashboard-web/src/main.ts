import type { Chart } from 'chart.js';
import {
  DASHBOARD_PAGES,
  FILTER_NAMES,
  type DashboardData,
  type DashboardFilters,
  type DashboardPageId,
  type DashboardStatus,
  type FilterOptions,
} from '@ecom/contracts/dashboard';
import { drawChart, formatCount, formatMoney, formatPct, num } from './charts';
import { PAGES, type CardSpec } from './pages';
import './style.css';

const API = '/dashboard/api';
const charts: Chart[] = [];
/** Guards against a slow answer for old filters overwriting the answer for new ones. */
let generation = 0;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, content?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (content !== undefined) node.textContent = content;
  return node;
}

/** The filters live in the page's URL, so a filtered view can be shared or bookmarked. */
function readFilters(): DashboardFilters {
  const params = new URLSearchParams(location.search);
  const filters: DashboardFilters = {};
  for (const name of FILTER_NAMES) {
    const value = params.get(name);
    if (value) filters[name] = value;
  }
  return filters;
}

function filterQuery(filters: DashboardFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) if (filters[name]) params.set(name, filters[name]!);
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  const query = params.toString();
  return query ? `?${query}` : '';
}

/**
 * With API_KEY set, the cards whose rows are single customers need the key (docs/operations.md).
 * The person enters it once per tab; it lives in sessionStorage, never in the URL, and goes out
 * as a header only to this api.
 */
const KEY_STORAGE = 'ecom-api-key';
const storedKey = (): string | null => sessionStorage.getItem(KEY_STORAGE);
const keyHeaders = (): Record<string, string> => {
  const key = storedKey();
  return key ? { 'x-api-key': key } : {};
};

/** The api answered 401: the card needs the key (or the one entered is wrong). */
class NeedsKey extends Error {}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json', ...keyHeaders() } });
  if (response.status === 401) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    throw new NeedsKey(body.message ?? 'this card needs the API key');
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string | string[] };
    const message = Array.isArray(body.message) ? body.message.join('; ') : (body.message ?? response.statusText);
    throw new Error(`${path}: ${response.status} ${message}`);
  }
  return (await response.json()) as T;
}

function currentPage(): { id: DashboardPageId; title: string } {
  const path = location.pathname.replace(/\/+$/, '').replace(/^\/dashboard\/?/, '');
  return DASHBOARD_PAGES.find((p) => p.path === path) ?? DASHBOARD_PAGES[0];
}

function renderNav(root: HTMLElement, filters: DashboardFilters): void {
  const nav = el('nav', { class: 'pages' });
  const page = currentPage();
  for (const p of DASHBOARD_PAGES) {
    const link = el('a', { href: `/dashboard${p.path ? `/${p.path}` : ''}${filterQuery(filters)}`, 'data-page': p.id }, p.title);
    if (p.id === page.id) link.classList.add('active');
    nav.appendChild(link);
  }
  root.appendChild(nav);
}

async function renderBadge(root: HTMLElement): Promise<void> {
  const badge = el('span', { class: 'badge', id: 'run-badge' }, 'checking the last run…');
  root.appendChild(badge);
  const status = await getJson<DashboardStatus>(`${API}/status`);
  const run = status.lastSuccessfulRun;
  if (run) {
    badge.textContent = `Last successful run ${run.runId} · ${new Date(run.finishedAt).toLocaleString()}`;
    badge.dataset.runId = run.runId;
    badge.classList.add('ok');
  } else if (status.summariesLost) {
    badge.textContent = 'Summaries lost in a database crash: the next run rebuilds them';
    badge.classList.add('none');
  } else {
    badge.textContent = 'No successful run yet';
    badge.classList.add('none');
  }
}

function select(name: string, label: string, values: string[], current: string | undefined): HTMLLabelElement {
  const wrapper = el('label', {}, label);
  const input = el('select', { name, id: `filter-${name}` });
  input.appendChild(el('option', { value: '' }, `All`));
  for (const value of values) {
    const option = el('option', { value }, value);
    if (value === current) option.selected = true;
    input.appendChild(option);
  }
  // A shared link may name a value the warehouse no longer has: keep it, it simply matches nothing.
  if (current && !values.includes(current)) {
    const option = el('option', { value: current }, current);
    option.selected = true;
    input.appendChild(option);
  }
  wrapper.appendChild(input);
  return wrapper;
}

function renderFilters(root: HTMLElement, options: FilterOptions, filters: DashboardFilters, apply: (next: DashboardFilters) => void): void {
  const form = el('form', { class: 'filters', id: 'filters' });
  for (const [name, label] of [
    ['from', 'From'],
    ['to', 'To'],
  ] as const) {
    const wrapper = el('label', {}, label);
    const input = el('input', { type: 'date', name, id: `filter-${name}` });
    if (options.firstDate) input.min = options.firstDate;
    if (options.lastDate) input.max = options.lastDate;
    input.value = filters[name] ?? '';
    wrapper.appendChild(input);
    form.appendChild(wrapper);
  }
  form.appendChild(select('category', 'Category', options.categories, filters.category));
  form.appendChild(select('country', 'Country', options.places.map((p) => p.country), filters.country));
  const states = filters.country
    ? (options.places.find((p) => p.country === filters.country)?.states ?? [])
    : [...new Set(options.places.flatMap((p) => p.states))].sort();
  form.appendChild(select('state', 'State', states, filters.state));
  form.appendChild(select('payment', 'Payment', options.payments, filters.payment));
  const reset = el('button', { type: 'button', id: 'filter-reset' }, 'Reset');
  form.appendChild(reset);

  const collect = (): DashboardFilters => {
    const next: DashboardFilters = {};
    for (const name of FILTER_NAMES) {
      const input = form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
      if (input?.value) next[name] = input.value;
    }
    // A state belongs to one country: changing the country drops a state that is not in it.
    if (next.country !== filters.country && next.state) {
      const inCountry = options.places.find((p) => p.country === next.country)?.states.includes(next.state);
      if (!inCountry) delete next.state;
    }
    return next;
  };
  form.addEventListener('change', () => apply(collect()));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    apply(collect());
  });
  reset.addEventListener('click', () => apply({}));
  root.appendChild(form);
}

function csvLink(endpoint: string, filters: DashboardFilters): HTMLAnchorElement {
  const href = `${API}/${endpoint}${filterQuery(filters, { format: 'csv' })}`;
  const link = el('a', { class: 'csv', href, download: `${endpoint}.csv` }, 'CSV');
  // A plain link cannot send the key: with one entered, download through fetch instead.
  link.addEventListener('click', (event) => {
    if (!storedKey()) return;
    event.preventDefault();
    void fetch(href, { headers: keyHeaders() })
      .then((response) => (response.ok ? response.blob() : Promise.reject(new Error(`${href}: ${response.status}`))))
      .then((blob) => {
        const url = URL.createObjectURL(blob);
        const save = el('a', { href: url, download: `${endpoint}.csv` });
        save.click();
        URL.revokeObjectURL(url);
      })
      .catch(report);
  });
  return link;
}

/** A card the api refused without the key: says why and takes the key, then draws the page again. */
function renderLocked(card: HTMLElement, body: HTMLElement, message: string): void {
  card.dataset.state = 'locked';
  card.querySelector('a.csv')?.remove();
  const form = el('form', { class: 'unlock' });
  form.appendChild(el('p', {}, storedKey() ? message : 'This card lists single customers: it needs the API key.'));
  const input = el('input', { type: 'password', name: 'api-key', autocomplete: 'off', placeholder: 'API key', 'aria-label': 'API key' });
  form.appendChild(input);
  form.appendChild(el('button', { type: 'submit' }, 'Unlock'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!input.value) return;
    sessionStorage.setItem(KEY_STORAGE, input.value);
    void render().catch(report);
  });
  body.appendChild(form);
}

const KPI_TILES = [
  { metric: 'revenue', label: 'Gross revenue', format: formatMoney },
  { metric: 'returns_amount', label: 'Returns', format: formatMoney },
  { metric: 'net_revenue', label: 'Net revenue', format: formatMoney },
  { metric: 'transactions', label: 'Transactions', format: formatCount },
  { metric: 'avg_order_value', label: 'Average order value', format: formatMoney },
  { metric: 'profit_margin_pct', label: 'Profit margin', format: formatPct },
] as const;

async function renderKpis(root: HTMLElement, filters: DashboardFilters, mine: number): Promise<void> {
  const section = el('section', { class: 'kpis', id: 'kpis', 'data-state': 'loading' });
  root.appendChild(section);
  const data = await getJson<DashboardData>(`${API}/kpis${filterQuery(filters)}`);
  if (mine !== generation) return;
  const header = el('div', { class: 'kpi-head' });
  const first = data.rows[0];
  header.textContent = first
    ? `${first.current_from} – ${first.current_to}, compared with ${first.previous_from} – ${first.previous_to}`
    : '';
  header.appendChild(csvLink('kpis', filters));
  section.appendChild(header);
  for (const tile of KPI_TILES) {
    const row = data.rows.find((r) => r.metric === tile.metric);
    const value = row?.current_value ?? null;
    const change = row?.change_pct ?? null;
    const card = el('div', { class: 'kpi', 'data-kpi': tile.metric, 'data-value': value === null ? '' : String(value) });
    card.appendChild(el('div', { class: 'kpi-label' }, tile.label));
    card.appendChild(el('div', { class: 'kpi-value' }, value === null ? '—' : tile.format(num(value))));
    const delta = el('div', { class: 'kpi-change', 'data-change': change === null ? '' : String(change) });
    if (change === null) {
      delta.textContent = 'no previous period data';
    } else {
      const pct = num(change);
      delta.textContent = `${pct >= 0 ? '▲' : '▼'} ${Math.abs(pct).toFixed(2)} % vs previous period`;
      delta.classList.add(pct >= 0 ? 'up' : 'down');
    }
    card.appendChild(delta);
    section.appendChild(card);
  }
  section.dataset.state = value(data) ? 'drawn' : 'empty';
}

const value = (data: DashboardData) => data.rows.some((r) => r.current_value !== null && num(r.current_value) !== 0);

/** Each card fetches its own endpoint; cards sharing an endpoint share the request. */
async function renderCards(root: HTMLElement, cards: CardSpec[], filters: DashboardFilters, mine: number): Promise<void> {
  const requests = new Map<string, Promise<DashboardData>>();
  const grid = el('section', { class: 'cards' });
  root.appendChild(grid);
  await Promise.all(
    cards.map(async (spec) => {
      const card = el('article', { class: `card${spec.wide ? ' wide' : ''}`, id: `card-${spec.id}`, 'data-endpoint': spec.endpoint, 'data-state': 'loading' });
      const head = el('header');
      head.appendChild(el('h2', {}, spec.title));
      head.appendChild(csvLink(spec.endpoint, filters));
      card.appendChild(head);
      const body = el('div', { class: 'card-body' });
      card.appendChild(body);
      grid.appendChild(card);
      let request = requests.get(spec.endpoint);
      if (!request) {
        request = getJson<DashboardData>(`${API}/${spec.endpoint}${filterQuery(filters)}`);
        requests.set(spec.endpoint, request);
      }
      let data: DashboardData;
      try {
        data = await request;
      } catch (error) {
        if (error instanceof NeedsKey) {
          if (mine === generation) renderLocked(card, body, error.message);
          return;
        }
        card.dataset.state = 'error';
        body.appendChild(el('p', { class: 'error' }, (error as Error).message));
        throw error;
      }
      if (mine !== generation) return;
      const rows = spec.rows ? spec.rows(data) : data.rows;
      if (rows.length === 0) {
        card.dataset.state = 'empty';
        body.appendChild(el('p', { class: 'empty' }, 'No data for these filters.'));
        return;
      }
      const drawing = spec.draw(data);
      if ('chart' in drawing) {
        const canvas = el('canvas');
        body.appendChild(canvas);
        charts.push(drawChart(canvas, drawing.chart));
        // What the chart draws, for a reader of the page that cannot read a canvas (the browser test).
        card.dataset.series = drawing.chart.data.datasets.map((d) => d.label ?? '').join(',');
      } else {
        body.classList.add('scroll');
        body.appendChild(drawing.html);
      }
      card.dataset.rows = String(rows.length);
      card.dataset.state = 'drawn';
    }),
  );
}

async function render(): Promise<void> {
  const mine = ++generation;
  for (const chart of charts.splice(0)) chart.destroy();
  const root = document.getElementById('app')!;
  root.replaceChildren();
  root.dataset.state = 'loading';
  const filters = readFilters();
  const page = currentPage();
  document.title = `${page.title} · ecom-pipeline`;

  const top = el('header', { class: 'top' });
  top.appendChild(el('h1', {}, page.title));
  root.appendChild(top);
  renderNav(root, filters);
  const options = await getJson<FilterOptions>(`${API}/options`);
  if (mine !== generation) return;
  renderFilters(root, options, filters, (next) => {
    history.pushState(null, '', `${location.pathname}${filterQuery(next)}`);
    void render().catch(report);
  });
  const spec = PAGES[page.id];
  await Promise.all([
    renderBadge(top),
    spec.kpis ? renderKpis(root, filters, mine) : Promise.resolve(),
    renderCards(root, spec.cards, filters, mine),
  ]);
  if (mine === generation) root.dataset.state = 'ready';
}

function report(error: unknown): void {
  const root = document.getElementById('app');
  if (root) root.dataset.state = 'error';
  console.error(error);
}

window.addEventListener('popstate', () => void render().catch(report));
void render().catch(report);
