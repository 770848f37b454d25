"""The kanban: columns by stage, cards, the move between stages."""
