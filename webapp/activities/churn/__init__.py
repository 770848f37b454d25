"""Churn (chute, seed 001 slides 40–41): total churn of a client, a product range or a
product dropped from an account or a proposal's sub-order."""
