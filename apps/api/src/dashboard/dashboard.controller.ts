import { Controller, Get, Header, NotFoundException, Param, Query, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@ecom/config';
import { analysisToCsv, DASHBOARD_ENDPOINTS, type DashboardData, type DashboardStatus, type FilterOptions } from '@ecom/contracts';
import { PersonalData, isPersonalDashboardEndpoint } from '../auth/personal-data';
import { Fails, OneOfParam, Returns, ReturnsJsonOrCsv, ReturnsText } from '../openapi/decorators';
import { DashboardFiltersQuery } from './dashboard.dto';
import { DashboardService } from './dashboard.service';

/** Where `npm run build:dashboard` writes the browser bundle (built, never committed). */
export function dashboardBundleDir(): string {
  return join(repoRoot(), 'dist', 'dashboard-web');
}

// A Map, not an object literal: `ASSETS['__proto__']` would find Object.prototype.
const ASSETS = new Map<string, string>([
  ['dashboard.js', 'text/javascript; charset=utf-8'],
  ['dashboard.css', 'text/css; charset=utf-8'],
]);

// Every page is the same shell; the bundle reads the path and the filters from the URL.
const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ecom-pipeline dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
</head>
<body>
<main id="app" data-state="loading"></main>
<script src="/dashboard/assets/dashboard.js"></script>
</body>
</html>
`;

/**
 * The BI dashboard: four pages, their static assets and the data endpoints they draw from. All are
 * GETs and open, except the endpoints whose rows are single customers (top-customers), which need
 * the API key when one is set; the page then shows that card locked until the key is entered.
 */
@ApiTags('dashboard')
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  @Get(['', 'products', 'customers', 'geography'])
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiOperation({ summary: 'A dashboard page (the browser app reads its data from /dashboard/api)' })
  @ReturnsText(200, 'The page.', 'text/html')
  page(): string {
    return PAGE_HTML;
  }

  @Get('assets/:file')
  // The bundle's files: what the pages load, not part of the API.
  @ApiExcludeEndpoint()
  asset(@Param('file') file: string, @Res() response: Response): void {
    const type = ASSETS.get(file);
    if (!type) throw new NotFoundException(`dashboard asset ${file} does not exist`);
    const path = join(dashboardBundleDir(), file);
    if (!existsSync(path)) throw new ServiceUnavailableException(`the dashboard bundle is not built (${path}); run: npm run build:dashboard`);
    response.setHeader('Content-Type', type);
    response.setHeader('Cache-Control', 'no-cache');
    response.send(readFileSync(path));
  }

  @Get('api/status')
  @ApiOperation({ summary: 'The run whose analytics stage last refreshed the dashboard' })
  @Returns(200, 'DashboardStatus', 'The last successful run, or null.')
  status(): Promise<DashboardStatus> {
    return this.dashboard.status();
  }

  @Get('api/options')
  @ApiOperation({ summary: 'The values the filter bar offers' })
  @Returns(200, 'FilterOptions', 'Date range, categories, payment methods, countries and states.')
  options(): Promise<FilterOptions> {
    return this.dashboard.options();
  }

  @Get('api/:endpoint')
  @PersonalData(isPersonalDashboardEndpoint)
  @ApiOperation({ summary: "One chart's data, filtered" })
  @OneOfParam('endpoint', DASHBOARD_ENDPOINTS, 'The chart or tile group.', 'kpis')
  @ReturnsJsonOrCsv('DashboardData', 'The rows (JSON), or CSV with ?format=csv.')
  @Fails(404, 'No such dashboard endpoint.')
  async data(
    @Param('endpoint') endpoint: string,
    @Query() query: DashboardFiltersQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DashboardData | string> {
    const data = await this.dashboard.data(endpoint, query);
    if (query.format === 'json') return data;
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="dashboard-${data.endpoint}.csv"`);
    return analysisToCsv(data);
  }
}
