"""One story however often it is printed: near-duplicate clusters across outlets and zh<->en
translation links, kept in the store as stories are written (crawler.linking.maintain)."""
