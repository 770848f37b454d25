"""(filled by the operations module work in progress)"""
