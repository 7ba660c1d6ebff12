import sys

from crawler.ops.cli import main

sys.exit(main())
