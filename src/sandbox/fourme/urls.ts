// URLs the simulator hands out. Account URLs follow a template like the connector's FOURME_ACCOUNT_URL_TEMPLATE.

export function accountUrl(template: string, account: string): string {
  return template.replaceAll("{account}", account);
}
