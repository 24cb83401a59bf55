import { ENTITIES } from '@ecom/contracts';
import { sqlFile, sqlFilesIn } from '@ecom/db';
import { QUALITY_CHECKS, QUALITY_FAMILIES } from './quality-checks';

const CHECK_FILE = /^quality\/(completeness|uniqueness|referential|consistency|range)_/;

describe('the quality check registry', () => {
  it('registers every check file in sql/quality and only files that exist', () => {
    const checkFiles = sqlFilesIn('quality').filter((name) => CHECK_FILE.test(name));
    expect(QUALITY_CHECKS.map((c) => c.sql).sort()).toEqual(checkFiles);
    for (const check of QUALITY_CHECKS) expect(sqlFile(check.sql)).toMatch(/rows_checked[\s\S]*violations[\s\S]*sample_ids/);
  });

  it('names each check after its file, once, in a known family and entity, with a positive weight', () => {
    expect(new Set(QUALITY_CHECKS.map((c) => c.name)).size).toBe(QUALITY_CHECKS.length);
    for (const check of QUALITY_CHECKS) {
      expect(check.sql).toBe(`quality/${check.name}`);
      expect(QUALITY_FAMILIES).toContain(check.family);
      expect(check.name.startsWith(check.family === 'referential_integrity' ? 'referential_' : `${check.family}_`)).toBe(true);
      expect(ENTITIES).toContain(check.entity);
      expect(check.weight).toBeGreaterThan(0);
      expect(check.description.length).toBeGreaterThan(10);
    }
  });

  it('covers all five families', () => {
    expect(new Set(QUALITY_CHECKS.map((c) => c.family))).toEqual(new Set(QUALITY_FAMILIES));
  });
});
