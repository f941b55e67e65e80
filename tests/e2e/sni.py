#!/usr/bin/python3
"""A minimal tray host for the e2e tests (tray.test.mjs), on the session bus of run.sh.

  sni.py watcher LOG       owns org.kde.StatusNotifierWatcher (the part of a desktop's tray
                           that apps register their StatusNotifierItem with) and appends each
                           registration to LOG as a JSON line; runs until killed
  sni.py items             JSON: every registered item, whether its object still answers, its
                           XAyatanaLabel, Title, Status, Menu path and the menu's items
                           (com.canonical.dbusmenu GetLayout: [{id, label, type}])
  sni.py click SERVICE MENU ID
                           sends the menu item ID the "clicked" event, as a tray host does

Needs python3-dbus and python3-gi (scripts/setup.sh): /usr/bin/python3, not a pyenv one.
"""
import json
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

WATCHER = "org.kde.StatusNotifierWatcher"
ITEM = "org.kde.StatusNotifierItem"
MENU = "com.canonical.dbusmenu"
PROPS = "org.freedesktop.DBus.Properties"


class Watcher(dbus.service.Object):
    def __init__(self, bus, log):
        super().__init__(bus, "/StatusNotifierWatcher")
        self.items = []
        self.log = log

    @dbus.service.method(WATCHER, in_signature="s", sender_keyword="sender")
    def RegisterStatusNotifierItem(self, service, sender=None):
        # An object path (libayatana-appindicator) is on the caller's connection.
        item = sender + service if service.startswith("/") else service + "/StatusNotifierItem"
        if item not in self.items:
            self.items.append(item)
        with open(self.log, "a", encoding="utf-8") as f:
            f.write(json.dumps({"item": item, "sender": sender, "arg": service}) + "\n")
        self.StatusNotifierItemRegistered(item)

    @dbus.service.method(WATCHER, in_signature="s")
    def RegisterStatusNotifierHost(self, service):
        pass

    @dbus.service.signal(WATCHER, signature="s")
    def StatusNotifierItemRegistered(self, item):
        pass

    @dbus.service.method(PROPS, in_signature="ss", out_signature="v")
    def Get(self, interface, name):
        return self.GetAll(interface)[name]

    @dbus.service.method(PROPS, in_signature="s", out_signature="a{sv}")
    def GetAll(self, interface):
        return {
            "RegisteredStatusNotifierItems": dbus.Array(self.items, signature="s"),
            "IsStatusNotifierHostRegistered": dbus.Boolean(True),
            "ProtocolVersion": dbus.Int32(0),
        }


def menu_items(bus, service, path):
    menu = dbus.Interface(bus.get_object(service, path), MENU)
    _, layout = menu.GetLayout(0, -1, dbus.Array([], signature="s"))
    out = []

    def walk(node):
        node_id, props, children = node
        if node_id != 0:
            out.append({"id": int(node_id), "label": str(props.get("label", "")),
                        "type": str(props.get("type", "standard"))})
        for child in children:
            walk(child)

    walk(layout)
    return out


def items():
    bus = dbus.SessionBus()
    watcher = bus.get_object(WATCHER, "/StatusNotifierWatcher")
    registered = watcher.Get(WATCHER, "RegisteredStatusNotifierItems", dbus_interface=PROPS)
    out = []
    for item in registered:
        service, path = item.split("/", 1)
        entry = {"item": str(item), "service": service, "path": "/" + path, "alive": False}
        try:
            props = bus.get_object(service, "/" + path).GetAll(ITEM, dbus_interface=PROPS)
        except dbus.DBusException as e:
            entry["error"] = e.get_dbus_name()
            out.append(entry)
            continue
        entry.update(alive=True, label=str(props.get("XAyatanaLabel", "")),
                     title=str(props.get("Title", "")), status=str(props.get("Status", "")),
                     menu=str(props.get("Menu", "")))
        entry["menu_items"] = menu_items(bus, service, entry["menu"]) if entry["menu"] else []
        out.append(entry)
    print(json.dumps(out))


def click(service, path, item_id):
    bus = dbus.SessionBus()
    menu = dbus.Interface(bus.get_object(service, path), MENU)
    menu.Event(dbus.Int32(int(item_id)), "clicked", dbus.String("", variant_level=1), dbus.UInt32(0))


def main():
    if sys.argv[1] == "watcher":
        DBusGMainLoop(set_as_default=True)
        bus = dbus.SessionBus()
        name = dbus.service.BusName(WATCHER, bus, do_not_queue=True)
        watcher = Watcher(bus, sys.argv[2])
        print("ready", flush=True)
        GLib.MainLoop().run()
        del name, watcher
    elif sys.argv[1] == "items":
        items()
    elif sys.argv[1] == "click":
        click(*sys.argv[2:5])


if __name__ == "__main__":
    main()
