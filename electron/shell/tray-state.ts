import { buildTrayMenu, trayIconState, trayToolTip, type TrayIconState, type TrayItem, type TrayModel } from './tray-menu.js';

/** Everything the tray shows, as plain data: what main.ts last gave the Tray, compared with what it would give now. */
export interface TrayView {
  icon: TrayIconState;
  toolTip: string;
  menu: TrayItem[];
}

/** The parts of the Tray to touch; absent parts are unchanged and must be left alone. */
export interface TrayUpdate {
  icon?: TrayIconState;
  toolTip?: string;
  menu?: TrayItem[];
}

export function trayView(model: TrayModel): TrayView {
  return { icon: trayIconState(model), toolTip: trayToolTip(model), menu: buildTrayMenu(model) };
}

/**
 * What changed between the view on screen and the next one. Linux's AppIndicator redraws the icon and
 * closes an open menu on every setImage/setContextMenu, so the shell calls them only for real changes.
 */
export function trayUpdate(shown: TrayView | undefined, next: TrayView): TrayUpdate {
  const update: TrayUpdate = {};
  if (!shown || shown.icon !== next.icon) update.icon = next.icon;
  if (!shown || shown.toolTip !== next.toolTip) update.toolTip = next.toolTip;
  // Menu items are plain JSON data (labels, flags, actions): equal text means an equal menu.
  if (!shown || JSON.stringify(shown.menu) !== JSON.stringify(next.menu)) update.menu = next.menu;
  return update;
}

export function isEmptyUpdate(update: TrayUpdate): boolean {
  return update.icon === undefined && update.toolTip === undefined && update.menu === undefined;
}
