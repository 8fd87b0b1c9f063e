#!/usr/bin/env python
from balai.__main__ import main

if __name__ == "__main__":
    main()
