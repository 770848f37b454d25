"""The product catalogue (data): what quotes and proposals are made of."""
