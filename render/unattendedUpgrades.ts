export const AUTO_UPGRADES_PATH = "/etc/apt/apt.conf.d/20auto-upgrades";
export const UNATTENDED_UPGRADES_PACKAGE = "unattended-upgrades";

/**
 * Turns on Debian's unattended upgrades: apt's daily timers refresh the package lists and
 * install what the unattended-upgrades package's default origins allow (Debian's security
 * archive and point releases of the running release), so a server patches itself between
 * image refreshes. The same two settings `dpkg-reconfigure unattended-upgrades` writes.
 */
export function renderAutoUpgrades(): string {
    return `// Rendered by webstack (renderAutoUpgrades).
APT::Periodic::Update-Package-Lists "1";
APT::Periodic::Unattended-Upgrade "1";
`;
}
