// charts.js: the dashboard's charts.  Only the parts of ECharts we use are
// imported (bar charts, grid, legend, tooltip, canvas); this module is loaded
// by the dashboard alone, so no other page downloads ECharts.  Tooltips are
// drawn on the canvas (renderMode richText): no HTML with inline styles,
// nothing the CSP (style-src 'self') would refuse.

import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export const COLORS = { done: '#0b3d91', rest: '#b8c7e0', open: '#8a94a3', overdue: '#b3261e' };
const FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
const live = new Set();

function make(el) {
  const c = echarts.init(el, null, { renderer: 'canvas' });
  live.add(c);
  return c;
}

export function disposeAll() {
  for (const c of live) c.dispose();
  live.clear();
}
window.addEventListener('resize', () => { for (const c of live) c.resize(); });
window.addEventListener('beforeprint', () => { for (const c of live) c.resize(); });

const base = (n) => ({
  animation: false,
  textStyle: { fontFamily: FONT, fontSize: 13, color: '#1f2933' },
  tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, renderMode: 'richText', confine: true },
  legend: { top: 0, left: 0, itemWidth: 14, itemHeight: 10, textStyle: { fontFamily: FONT, fontSize: 13 } },
  grid: { left: 8, right: 48, top: 34, bottom: 8, containLabel: true },
  xAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#e4e7eb' } }, axisLabel: { color: '#52606d' } },
  yAxis: { type: 'category', inverse: true, axisTick: { show: false }, axisLine: { lineStyle: { color: '#9aa5b1' } },
    axisLabel: { color: '#1f2933', fontSize: 13, width: n, overflow: 'truncate' } },
});

// rows: [{label, done, rest, onClick}]; two stacked bars: 已脱钩 and 未脱钩
export function progress(el, rows, { labelWidth = 150 } = {}) {
  const c = make(el);
  const o = base(labelWidth);
  o.yAxis.data = rows.map((r) => r.label);
  const maxP = Math.max(1, ...rows.map((r) => r.done + r.rest));
  o.series = [
    { name: '已脱钩', type: 'bar', stack: 's', barMaxWidth: 22, itemStyle: { color: COLORS.done }, data: rows.map((r) => r.done),
      label: { show: true, position: 'insideLeft', color: '#fff', formatter: (p) => (p.value && p.value >= maxP * 0.06 ? p.value : '') } },
    { name: '未脱钩', type: 'bar', stack: 's', barMaxWidth: 22, itemStyle: { color: COLORS.rest }, data: rows.map((r) => r.rest),
      label: { show: true, position: 'right', color: '#1f2933', formatter: (p) => `${rows[p.dataIndex].done}/${rows[p.dataIndex].done + rows[p.dataIndex].rest}` } },
  ];
  c.setOption(o);
  c.on('click', (p) => { const r = rows[p.dataIndex]; if (r && r.onClick) r.onClick(p.seriesName); });
  return c;
}

// rows: [{label, done, open, overdue, onClick}]; the five separations
export function separations(el, rows) {
  const c = make(el);
  const o = base(130);
  o.yAxis.data = rows.map((r) => r.label);
  // a number is written inside its bar only where the bar is wide enough for it
  const max = Math.max(1, ...rows.map((r) => r.done + r.open + r.overdue));
  const s = (name, key, color, textColor) => ({ name, type: 'bar', stack: 's', barMaxWidth: 24, itemStyle: { color }, data: rows.map((r) => r[key]),
    label: { show: true, color: textColor, formatter: (p) => (p.value && p.value >= max * 0.06 ? p.value : '') } });
  o.series = [s('已完成', 'done', COLORS.done, '#fff'), s('待办', 'open', COLORS.open, '#fff'), s('逾期', 'overdue', COLORS.overdue, '#fff')];
  c.setOption(o);
  c.on('click', (p) => { const r = rows[p.dataIndex]; if (r && r.onClick) r.onClick(p.seriesName); });
  return c;
}
