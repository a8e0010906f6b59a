/**
 * The level over time as a step chart (SVG). The same points are listed in a visually hidden
 * table, so the chart is not the only way to read them.
 */
import type { LevelPoint } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { formatDate } from './ui';

const W = 560;
const H = 140;
const PAD = { l: 36, r: 12, t: 10, b: 24 };

export function LevelChart({ points }: { points: LevelPoint[] }) {
  const { t, lang } = useI18n();
  if (points.length === 0) return <p className="muted">{t('system.noHistory')}</p>;
  const times = points.map((p) => new Date(p.at).getTime());
  const t0 = Math.min(...times);
  const t1 = Math.max(Date.now(), ...times);
  const span = Math.max(t1 - t0, 1);
  const x = (ms: number) => PAD.l + ((ms - t0) / span) * (W - PAD.l - PAD.r);
  const y = (l: number) => PAD.t + (1 - l / 3) * (H - PAD.t - PAD.b);
  let d = '';
  points.forEach((p, i) => {
    const px = x(times[i]!);
    d += i === 0 ? `M${px} ${y(p.level)}` : `H${px}V${y(p.level)}`;
  });
  d += `H${x(t1)}`;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t('system.levelChartLabel', { n: points.length })}>
        {[0, 1, 2, 3].map((l) => (
          <g key={l}>
            <line x1={PAD.l} x2={W - PAD.r} y1={y(l)} y2={y(l)} className="chart-grid" />
            <text x={PAD.l - 8} y={y(l) + 4} textAnchor="end" className="chart-label">
              {l}
            </text>
          </g>
        ))}
        <path d={d} className="chart-line" fill="none" />
        {points.map((p, i) => (
          <circle key={i} cx={x(times[i]!)} cy={y(p.level)} r={3} className="chart-dot" />
        ))}
        <text x={PAD.l} y={H - 6} className="chart-label">
          {formatDate(points[0]!.at, lang)}
        </text>
        <text x={W - PAD.r} y={H - 6} textAnchor="end" className="chart-label">
          {formatDate(new Date(t1).toISOString(), lang)}
        </text>
      </svg>
      <table className="visually-hidden">
        <caption>{t('system.levelOverTime')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('common.time')}</th>
            <th scope="col">{t('common.level')}</th>
          </tr>
        </thead>
        <tbody>
          {points.map((p, i) => (
            <tr key={i}>
              <td>{formatDate(p.at, lang)}</td>
              <td>{p.level}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
