"""Leaflet, jQuery and MarkerCluster served by the portal itself: public CDNs fail offline and in mainland China."""
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from xstatic.pkg import jquery, leaflet, leaflet_markercluster

PREFIX = "/vendor"
_PACKAGES = {"leaflet": leaflet, "jquery": jquery, "markercluster": leaflet_markercluster}

VENDOR_MOUNT = Mount(PREFIX, routes=[Mount(f"/{name}", app=StaticFiles(directory=package.BASE_DIR), name=name)
                                     for name, package in _PACKAGES.items()])

LEAFLET_JS = [("leaflet", f"{PREFIX}/leaflet/leaflet.js"), ("jquery", f"{PREFIX}/jquery/jquery.min.js")]
LEAFLET_CSS = [("leaflet_css", f"{PREFIX}/leaflet/leaflet.css")]
MARKERCLUSTER_JS = [("markerclusterjs", f"{PREFIX}/markercluster/leaflet.markercluster.js")]
MARKERCLUSTER_CSS = [("markerclustercss", f"{PREFIX}/markercluster/MarkerCluster.css"),
                     ("markerclusterdefaultcss", f"{PREFIX}/markercluster/MarkerCluster.Default.css")]
