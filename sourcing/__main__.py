import sys

from sourcing.cli import main

sys.exit(main())
