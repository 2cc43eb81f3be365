"""Cross-checking goals between documents: goal statements, their quantities, the comparison."""
