import { SetMetadata } from '@nestjs/common';

export type RouteParams = Record<string, string | string[] | undefined>;

export const PERSONAL_DATA = 'ecom:personal-data';

/**
 * Marks a read that returns record-level or personal data (raw rejected records, customer
 * names): with API_KEY set it needs the key like a write. `when` narrows it to the requests whose
 * (decoded) route parameters name such data, for one route serving several answers; matching the
 * decoded parameter rather than a literal path means no spelling of the URL gets around it.
 */
export const PersonalData = (when: PersonalDataCondition = () => true) => SetMetadata(PERSONAL_DATA, when);

/**
 * Which requests of a route hold personal data. `param` and `values` say it in words for the
 * OpenAPI document (absent: every request of the route does).
 */
export interface PersonalDataCondition {
  (params: RouteParams): boolean;
  readonly param?: string;
  readonly values?: readonly string[];
}

/** Dashboard endpoints whose rows are single customers (name, home, spend). */
export const PERSONAL_DASHBOARD_ENDPOINTS: readonly string[] = ['top-customers'];

/** Analyses whose rows are single customers. */
export const PERSONAL_ANALYSES: readonly string[] = ['customer_lifetime_value'];

const paramIn = (name: string, values: readonly string[]): PersonalDataCondition =>
  Object.assign(
    (params: RouteParams) => {
      const value = params[name];
      return typeof value === 'string' && values.includes(value.toLowerCase());
    },
    { param: name, values },
  );

export const isPersonalDashboardEndpoint = paramIn('endpoint', PERSONAL_DASHBOARD_ENDPOINTS);
export const isPersonalAnalysis = paramIn('name', PERSONAL_ANALYSES);
