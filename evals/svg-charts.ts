// Inline SVG bar charts for the HTML report: no scripts, no external assets, every label escaped.

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

export interface ChartSeries {
  name: string;
  color: string;
  /** One value per group, 0–1; undefined draws no bar. */
  values: (number | undefined)[];
}

/**
 * Grouped vertical bars on a 0–100 % axis: one cluster per group (a metric, or a question type), one
 * bar per series (a system), the value printed above each bar, a legend on top.
 */
export function groupedBarChart({
  title,
  groups,
  series,
  width = 1080,
  height = 360,
}: {
  title: string;
  groups: string[];
  series: ChartSeries[];
  width?: number;
  height?: number;
}): string {
  const margin = { top: 64, right: 16, bottom: 56, left: 48 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const groupWidth = plotWidth / Math.max(1, groups.length);
  const barWidth = Math.min(34, (groupWidth * 0.8) / Math.max(1, series.length));
  const clusterWidth = barWidth * series.length;
  const y = (value: number) => margin.top + plotHeight * (1 - Math.max(0, Math.min(1, value)));
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeXml(title)}" font-family="inherit">`);
  parts.push(`<text x="${margin.left}" y="20" font-size="15" font-weight="600" fill="#1f2933">${escapeXml(title)}</text>`);

  // Legend: one swatch per series, wrapped onto a second line when long.
  let legendX = margin.left;
  let legendY = 42;
  for (const entry of series) {
    const labelWidth = 22 + [...entry.name].reduce((sum, char) => sum + (char.charCodeAt(0) > 0x2e80 ? 13 : 7), 0);
    if (legendX + labelWidth > width - margin.right) {
      legendX = margin.left;
      legendY += 16;
    }
    parts.push(`<rect x="${legendX}" y="${legendY - 10}" width="12" height="12" rx="2" fill="${escapeXml(entry.color)}"/>`);
    parts.push(`<text x="${legendX + 17}" y="${legendY}" font-size="12" fill="#323f4b">${escapeXml(entry.name)}</text>`);
    legendX += labelWidth + 14;
  }

  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(tick)}" y2="${y(tick)}" stroke="${tick === 0 ? '#7b8794' : '#e4e7eb'}" stroke-width="1"/>`);
    parts.push(`<text x="${margin.left - 6}" y="${y(tick) + 4}" font-size="11" text-anchor="end" fill="#616e7c">${tick * 100}%</text>`);
  }

  groups.forEach((group, g) => {
    const clusterStart = margin.left + g * groupWidth + (groupWidth - clusterWidth) / 2;
    series.forEach((entry, s) => {
      const value = entry.values[g];
      const x = clusterStart + s * barWidth;
      if (value === undefined || Number.isNaN(value)) {
        parts.push(`<text x="${x + barWidth / 2}" y="${y(0) - 4}" font-size="10" text-anchor="middle" fill="#9aa5b1">–</text>`);
        return;
      }
      const top = y(value);
      const label = `${Math.round(value * 100)}`;
      parts.push(
        `<rect x="${x + 1}" y="${top}" width="${Math.max(1, barWidth - 2)}" height="${Math.max(0, y(0) - top)}" fill="${escapeXml(entry.color)}"><title>${escapeXml(`${entry.name} — ${group}: ${(value * 100).toFixed(1)}%`)}</title></rect>`,
      );
      parts.push(`<text x="${x + barWidth / 2}" y="${top - 3}" font-size="${barWidth < 18 ? 8 : 10}" text-anchor="middle" fill="#323f4b">${label}</text>`);
    });
    const labelX = margin.left + g * groupWidth + groupWidth / 2;
    parts.push(`<text x="${labelX}" y="${height - margin.bottom + 18}" font-size="12" text-anchor="middle" fill="#1f2933">${escapeXml(group)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}
