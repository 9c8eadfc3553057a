import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Resvg from '@resvg/resvg-js';
import type * as ECharts from 'echarts';
import type { DigestReport } from './types.ts';

// Loaded on the first chart, as one bundled file: the ESM build is hundreds of modules, and
// loading them through tsx at every start slowed the daemon's start by seconds.
const load = createRequire(import.meta.url);
let libs: { echarts: typeof ECharts; resvg: typeof Resvg } | undefined;
const lib = () =>
  (libs ??= {
    echarts: load('echarts') as typeof ECharts,
    resvg: load('@resvg/resvg-js') as typeof Resvg,
  });

/** A chart as every mail client shows it: a PNG, attached inline and named by `cid`. */
export interface ChartImage {
  name: string;
  /** The id of the report it is drawn for (a team's digest carries several brands' charts). */
  report: string;
  /** `<cid>` without brackets: `cid:${cid}` in the HTML. */
  cid: string;
  alt: string;
  width: number;
  height: number;
  png: Buffer;
}

const WIDTH = 600;
const HEIGHT = 260;
/** Rendered at twice the size, so that the chart stays sharp on high-density screens. */
const SCALE = 2;
const COLORS = { negative: '#c0392b', neutral: '#a0a4ab', positive: '#2e8b57', net: '#1f4e79' };
const FONT = 'DejaVu Sans';
// resvg draws no text without a font: the usual places of DejaVu Sans on Debian and others.
const FONT_FILES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
].filter((f) => existsSync(f));

function toPng(svg: string): Buffer {
  const resvg = new (lib().resvg.Resvg)(svg, {
    fitTo: { mode: 'width', value: WIDTH * SCALE },
    background: '#ffffff',
    font: { fontFiles: FONT_FILES, loadSystemFonts: FONT_FILES.length === 0, defaultFontFamily: FONT },
  });
  return resvg.render().asPng();
}

/** echarts renders to an SVG string on the server; the chart must be disposed or node keeps running. */
function svgOf(option: ECharts.EChartsCoreOption): string {
  const chart = lib().echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height: HEIGHT });
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: FONT },
      grid: { left: 48, right: 48, top: 40, bottom: 36 },
      // echarts measures text with its own metrics, a little narrower than DejaVu Sans: room to spare.
      legend: { top: 6, itemGap: 22, textStyle: { fontSize: 11 } },
      ...option,
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** One stacked bar series per sentiment, negative at the bottom, over `rows` (days or hours). */
const sentimentBars = (rows: readonly { negative: number; neutral: number; positive: number }[]) =>
  (['negative', 'neutral', 'positive'] as const).map((name) => ({
    name,
    type: 'bar',
    stack: 'mentions',
    data: rows.map((r) => r[name]),
    itemStyle: { color: COLORS[name] },
    barMaxWidth: 40,
  }));

/** Mentions a day by sentiment, with net sentiment as a line, over the 7 days up to the report's. */
function weekSvg(r: DigestReport): string {
  const labels = r.daily.map((d) =>
    new Date(`${d.date}T12:00:00Z`).toLocaleDateString('en-GB', {
      weekday: 'short',
      day: 'numeric',
      timeZone: 'UTC',
    }),
  );
  return svgOf({
    xAxis: { type: 'category', data: labels, axisLabel: { fontSize: 11, interval: 0 } },
    yAxis: [
      { type: 'value', name: 'mentions', minInterval: 1, nameTextStyle: { fontSize: 10 } },
      { type: 'value', name: 'net', min: -100, max: 100, nameTextStyle: { fontSize: 10 } },
    ],
    series: [
      ...sentimentBars(r.daily),
      {
        name: 'net sentiment',
        type: 'line',
        yAxisIndex: 1,
        data: r.daily.map((d) => d.net),
        itemStyle: { color: COLORS.net },
        lineStyle: { width: 2 },
        connectNulls: true,
      },
    ],
  });
}

/** Mentions by local hour of the last day, by sentiment. */
function hourSvg(r: DigestReport): string {
  return svgOf({
    xAxis: {
      type: 'category',
      data: r.hourly.map((h) => h.label),
      axisLabel: { fontSize: 10, interval: 2 },
    },
    yAxis: { type: 'value', minInterval: 1, name: 'mentions', nameTextStyle: { fontSize: 10 } },
    series: [...sentimentBars(r.hourly)],
  });
}

/** The report's charts as PNGs (none for a quiet day: one line says it all). */
export function renderCharts(r: DigestReport): ChartImage[] {
  if (r.quiet) return [];
  const image = (name: string, alt: string, svg: string): ChartImage => ({
    name,
    report: r.id,
    cid: `${name}.${r.id}@earshot`,
    alt,
    width: WIDTH,
    height: HEIGHT,
    png: toPng(svg),
  });
  // The brand in the words: a team's page shows several brands' charts one after the other.
  const charts = [
    image(
      'week',
      `${r.displayName}: mentions and net sentiment, ${r.daily[0]?.date} to ${r.date}`,
      weekSvg(r),
    ),
  ];
  if (r.period === 'day')
    charts.push(
      image('hours', `${r.displayName}: mentions by hour on ${r.date} (${r.timezone})`, hourSvg(r)),
    );
  return charts;
}
