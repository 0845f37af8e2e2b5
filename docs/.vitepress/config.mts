// The documentation site: `pnpm run docs` builds it (VitePress) after generating the API reference
// (TypeDoc, into docs/api). A link to a page that does not exist fails the build.
import { defineConfig } from 'vitepress';
import { existsSync, readFileSync } from 'node:fs';

const apiSidebarFile = new URL('../api/typedoc-sidebar.json', import.meta.url);
const apiSidebar = existsSync(apiSidebarFile) ? JSON.parse(readFileSync(apiSidebarFile, 'utf8')) : [];

export default defineConfig({
  title: 'TopicKD',
  description: 'Contextualized neural topic models and their distillation, in TypeScript',
  lang: 'en',
  cleanUrls: true,
  ignoreDeadLinks: false,
  // plain Markdown pages of the repository; what is not a page stays out of the site
  srcExclude: ['**/README.md'],
  markdown: { math: false },
  // the local search index of every page is one chunk
  vite: { build: { chunkSizeWarningLimit: 4096 } },
  themeConfig: {
    nav: [
      { text: 'Getting started', link: '/getting-started' },
      { text: 'Guides', link: '/guides/command-line' },
      { text: 'Reference', link: '/reference/cli' },
      { text: 'API', link: '/api/' },
      { text: 'Results', link: '/results' },
    ],
    sidebar: [
      { text: 'Introduction', items: [
        { text: 'Overview', link: '/' },
        { text: 'Getting started', link: '/getting-started' },
        { text: 'Concepts', link: '/concepts' },
      ] },
      { text: 'Guides', items: [
        { text: 'The command line', link: '/guides/command-line' },
        { text: 'The pipeline in code', link: '/guides/pipeline-in-code' },
        { text: 'Configuration files', link: '/guides/configuration' },
        { text: 'Tuning α, T and K', link: '/guides/tuning' },
        { text: 'Seeded topics, merging, labels, over time, updating', link: '/guides/analysis' },
        { text: 'Backends', link: '/guides/backends' },
        { text: 'Writing a plugin', link: '/guides/plugins' },
        { text: 'In the browser', link: '/guides/browser' },
        { text: 'Distributed runs', link: '/guides/distributed' },
      ] },
      { text: 'Reference', items: [
        { text: 'CLI', link: '/reference/cli' },
        { text: 'Config keys', link: '/reference/config' },
        { text: 'Data formats', link: '/reference/data-formats' },
        { text: 'Files written', link: '/reference/files' },
        { text: 'API', link: '/api/', collapsed: true, items: apiSidebar },
      ] },
      { text: 'Evidence', items: [
        { text: 'Results', link: '/results' },
        { text: 'Reliability', link: '/reliability' },
        { text: 'Architecture', link: '/architecture' },
        { text: 'Tests', link: '/contributing' },
      ] },
    ],
    search: { provider: 'local' },
  },
});
