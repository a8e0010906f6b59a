/** The CCSS editions the catalog ships (docs/assessment-file.md); the newest first. */
export const EDITIONS = [
  { id: 'ccss-v9', label: 'CCSS v9' },
  { id: 'ccss-2021', label: 'CCSS 2021' },
  { id: 'ccss-2020', label: 'CCSS 2020' },
] as const;

export function editionLabel(id: string): string {
  return EDITIONS.find((e) => e.id === id)?.label ?? id;
}
