/** Small SVG charts drawn here: no charting library, accessible through a text summary and a data table. */

export interface Series {
  key: string;
  label: string;
  color: string;
}

export function StackedBars({
  rows,
  series,
  label,
  height = 180,
}: {
  rows: { label: string; values: Record<string, number> }[];
  series: Series[];
  label: string;
  height?: number;
}) {
  const width = 640;
  const pad = { left: 36, right: 8, top: 8, bottom: 24 };
  const max = Math.max(1, ...rows.map((r) => series.reduce((a, s) => a + (r.values[s.key] ?? 0), 0)));
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const bw = rows.length ? innerW / rows.length : innerW;
  const ticks = [0, Math.ceil(max / 2), max];
  const every = Math.max(1, Math.ceil(rows.length / 8));
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
        {ticks.map((t) => {
          const y = pad.top + innerH - (t / max) * innerH;
          return (
            <g key={t}>
              <line x1={pad.left} x2={width - pad.right} y1={y} y2={y} class="grid" />
              <text x={pad.left - 6} y={y + 4} text-anchor="end" class="axis">
                {t}
              </text>
            </g>
          );
        })}
        {rows.map((r, i) => {
          let y = pad.top + innerH;
          return (
            <g key={r.label}>
              {series.map((s) => {
                const v = r.values[s.key] ?? 0;
                const h = (v / max) * innerH;
                y -= h;
                return v ? (
                  <rect
                    key={s.key}
                    x={pad.left + i * bw + bw * 0.15}
                    width={bw * 0.7}
                    y={y}
                    height={h}
                    fill={s.color}
                  >
                    <title>{`${r.label}: ${v} ${s.label}`}</title>
                  </rect>
                ) : null;
              })}
              {i % every === 0 && (
                <text x={pad.left + i * bw + bw / 2} y={height - 6} text-anchor="middle" class="axis">
                  {r.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption class="legend">
        {series.map((s) => (
          <span key={s.key}>
            <i style={{ background: s.color }} aria-hidden="true" /> {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

export function HBars({
  items,
  label,
}: {
  items: { label: string; value: number; color?: string }[];
  label: string;
}) {
  const max = Math.max(1, ...items.map((i) => i.value));
  return (
    <ul class="hbars" aria-label={label}>
      {items.map((i) => (
        <li key={i.label}>
          <span class="hbar-label">{i.label}</span>
          <span class="hbar-track" aria-hidden="true">
            <span
              class="hbar-fill"
              style={{ width: `${(i.value / max) * 100}%`, background: i.color ?? '#2d5fa8' }}
            />
          </span>
          <span class="hbar-value">{i.value}</span>
        </li>
      ))}
    </ul>
  );
}

export function Gauge({ value, label }: { value: number | null; label: string }) {
  const pct = value === null ? 0 : Math.round(value * 100);
  const r = 36;
  const c = 2 * Math.PI * r;
  return (
    <svg
      viewBox="0 0 90 90"
      class="gauge"
      role="img"
      aria-label={`${label}: ${value === null ? 'no data' : `${pct}%`}`}
    >
      <circle cx="45" cy="45" r={r} class="gauge-track" />
      <circle
        cx="45"
        cy="45"
        r={r}
        class="gauge-fill"
        stroke-dasharray={`${(pct / 100) * c} ${c}`}
        transform="rotate(-90 45 45)"
      />
      <text x="45" y="50" text-anchor="middle" class="gauge-text">
        {value === null ? '—' : `${pct}%`}
      </text>
    </svg>
  );
}
