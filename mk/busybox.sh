#!/bin/sh
# Fetches Debian's busybox-static package with apt-get into the cache
# directory $1 and leaves its unmodified /bin/busybox there as $1/busybox.
set -e
dir=$1
mkdir -p "$dir/pkg"
cd "$dir/pkg"
rm -f ./*.deb
if ! apt-get download busybox-static >/dev/null 2>&1; then
	echo "busybox: apt-get download failed; updating the package lists"
	apt-get update -qq >/dev/null
	apt-get download busybox-static >/dev/null 2>&1 || {
		echo "busybox: cannot download busybox-static (apt-get download busybox-static)" >&2
		exit 1
	}
fi
rm -rf x
dpkg-deb -x busybox-static_*.deb x
cp x/bin/busybox ../busybox.new
mv ../busybox.new ../busybox
echo "busybox: $(dpkg-deb -f busybox-static_*.deb Version) in $dir/busybox"
